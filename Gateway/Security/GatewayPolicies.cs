namespace VideoAnalytics.Gateway;

/// <summary>Authorization policies: admins change cameras; viewers (and admins) read and subscribe.</summary>
public static class GatewayPolicies
{
    public const string Admin = "admin";
    public const string Viewer = "viewer";
}
