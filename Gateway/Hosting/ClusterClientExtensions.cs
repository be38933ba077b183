using Orleans.Dashboard;
using VideoAnalytics.Silo.Hosting;
using VideoAnalytics.Silo.Streams;
using ClusterOptions = VideoAnalytics.Silo.Cluster.ClusterOptions;

namespace VideoAnalytics.Gateway.Hosting;

/// <summary>
/// A cluster gateway (<c>Gateway:HostSilo=false</c>) is an Orleans client: it finds the silos through the Redis
/// membership table and reaches camera and detection grains through them.
/// </summary>
public static class ClusterClientExtensions
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    public static IHostApplicationBuilder AddClusterClient(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var cluster = builder.Configuration.GetSection(ClusterOptions.Section).Get<ClusterOptions>() ?? new ClusterOptions();
        builder.UseOrleansClient(client =>
        {
            client.Configure<Orleans.Configuration.ClusterOptions>(o =>
            {
                o.ServiceId = cluster.OrleansServiceId;
                o.ClusterId = cluster.OrleansServiceId;
            });
            client.UseRedisClustering(o => o.ConfigurationOptions = OrleansRedis.Connection(cluster));
            client.AddDashboard();
            client.AddDetectionStreams();

            // Silos that joined or died are seen within seconds rather than Orleans' default minute.
            client.Configure<Orleans.Configuration.GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(2));

            // A gateway may start before any silo (the local cluster script starts them together): keep trying.
            client.UseConnectionRetryFilter(async (_, cancellationToken) =>
            {
                await Task.Delay(RetryDelay, cancellationToken);
                return true;
            });
        });
        return builder;
    }
}
