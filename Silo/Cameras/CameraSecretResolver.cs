using System.Text;
using System.Text.RegularExpressions;

namespace VideoAnalytics.Silo.Cameras;

/// <summary>
/// Resolves the secret references of a camera URL: <c>${env:VA_CAMERA_NAME}</c> (an environment variable of the silo
/// process) and <c>${file:NAME}</c> (a file in <see cref="CameraOptions.SecretsDirectory"/>, the Docker/Kubernetes
/// secrets mount). The registry, the API and the logs only ever hold the URL as written; the resolved URL exists only
/// on the silo, for the one open it is made for.
/// </summary>
/// <remarks>
/// <para>Only variables named <c>VA_CAMERA_*</c> may be referenced (Frigate's <c>{FRIGATE_*}</c> rule): whoever may
/// register a camera must not be able to read the silo's other variables (cloud credentials, the Redis password) by
/// naming them in a URL the service then sends to a host of their choosing. For the same reason a file reference is
/// a plain name inside the secrets folder: no separators, no <c>..</c>, no leading dot (Kubernetes keeps its
/// <c>..data</c> bookkeeping there).</para>
/// <para>A value is percent-encoded where it lands, so a password with <c>@</c>, <c>:</c>, <c>/</c> or a space cannot
/// change where the URL points; FFmpeg decodes userinfo before it authenticates. A literal <c>$</c> followed by
/// <c>{</c> is written <c>%24{</c>: every <c>${</c> must start a valid reference, so a typo is refused, not sent.</para>
/// </remarks>
public sealed partial class CameraSecretResolver
{
    public const string EnvironmentPrefix = "VA_CAMERA_";
    public const string DefaultDirectory = "/run/secrets";

    /// <summary>The rule, quoted in every refusal so the 400 says what would be accepted.</summary>
    public const string Rule = "secret references are ${env:NAME} (an environment variable of the silo whose name starts with "
        + EnvironmentPrefix + ": letters, digits, '_') or ${file:NAME} (a file in " + CameraOptions.SectionName + ":"
        + nameof(CameraOptions.SecretsDirectory) + ", a plain file name: letters, digits, '.', '_', '-', not starting with '.'); "
        + "write a literal '$' as %24";

    // A secret file holds one value; anything this large is the wrong file (a certificate bundle, a mounted folder's dump).
    private const int MaxFileBytes = 64 * 1024;

    private readonly string _directory;
    private readonly Func<string, string?> _environment;

    /// <param name="directory">The secrets folder; null or empty: <see cref="DefaultDirectory"/>.</param>
    /// <param name="environment">Reads a variable; null: this process's environment (tests pass their own).</param>
    public CameraSecretResolver(string? directory, Func<string, string?>? environment = null)
    {
        _directory = string.IsNullOrWhiteSpace(directory) ? DefaultDirectory : Path.GetFullPath(directory);
        _environment = environment ?? Environment.GetEnvironmentVariable;
    }

    /// <summary>Whether <paramref name="url"/> contains anything to resolve (or a malformed attempt at it).</summary>
    public static bool HasReferences(string? url) => url is not null && url.Contains("${", StringComparison.Ordinal);

    /// <summary>Resolves every reference of <paramref name="url"/>; the result says why not when one cannot be.</summary>
    public CameraUrlResolution Resolve(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!HasReferences(url))
        {
            return CameraUrlResolution.Resolved(url, ResolvedSecrets.None);
        }

        var resolved = new StringBuilder(url.Length);
        var secrets = new List<KeyValuePair<string, string>>();
        var at = 0;
        while (at < url.Length)
        {
            var start = url.IndexOf("${", at, StringComparison.Ordinal);
            if (start < 0)
            {
                resolved.Append(url, at, url.Length - at);
                break;
            }

            resolved.Append(url, at, start - at);
            var match = Reference().Match(url, start);
            if (!match.Success || match.Index != start)
            {
                return CameraUrlResolution.Refused("it has a '${' that does not start a well-formed secret reference; " + Rule, transient: false);
            }

            var reference = match.Value;
            var name = match.Groups["name"].Value;
            var (value, error, transient) = match.Groups["kind"].Value switch
            {
                "env" => FromEnvironment(reference, name),
                "file" => FromFile(reference, name),
                var kind => (null, $"'{reference}' names the unknown secret source '{kind}'", false),
            };
            if (value is null)
            {
                // Every refusal states the whole rule, so a 400 says what would have been accepted.
                return CameraUrlResolution.Refused(error + "; " + Rule, transient);
            }

            var encoded = Uri.EscapeDataString(value);
            resolved.Append(encoded);
            secrets.Add(new KeyValuePair<string, string>(value, reference));
            if (encoded != value)
            {
                secrets.Add(new KeyValuePair<string, string>(encoded, reference));
            }

            at = start + match.Length;
        }

        return CameraUrlResolution.Resolved(resolved.ToString(), new ResolvedSecrets(secrets));
    }

    private (string? Value, string? Error, bool Transient) FromEnvironment(string reference, string name)
    {
        if (!VariableName().IsMatch(name))
        {
            return (null, $"'{reference}' is not a valid environment variable name", false);
        }

        if (!name.StartsWith(EnvironmentPrefix, StringComparison.Ordinal) || name.Length == EnvironmentPrefix.Length)
        {
            return (null, $"'{reference}' is not allowed: only variables whose names start with {EnvironmentPrefix} may be referenced, "
                + "so that a camera URL cannot read the rest of the service's environment", false);
        }

        // Unset or empty may change (a redeploy with the variable set): transient, so a running camera retries.
        return _environment(name) switch
        {
            null => (null, $"'{reference}' refers to the environment variable {name}, which is not set in the silo process", true),
            "" => (null, $"'{reference}' refers to the environment variable {name}, which is empty in the silo process", true),
            var value => (value, null, false),
        };
    }

    private (string? Value, string? Error, bool Transient) FromFile(string reference, string name)
    {
        if (!FileName().IsMatch(name))
        {
            return (null, $"'{reference}' is not a plain file name (no path separators, no '..', not starting with '.')", false);
        }

        var path = Path.Join(_directory, name);
        string text;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return (null, $"'{reference}' refers to {path}, which does not exist ({CameraOptions.SectionName}:{nameof(CameraOptions.SecretsDirectory)} is {_directory})", true);
            }

            if (info.Length > MaxFileBytes)
            {
                return (null, $"'{reference}' refers to {path}, which is larger than {MaxFileBytes / 1024} KiB: a secret file holds one value", true);
            }

            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The exception names the path and the cause, never the content.
            return (null, $"'{reference}' refers to {path}, which cannot be read: {ex.Message}", true);
        }

        // `echo pw > file` and editors add a line end; a password never ends in one, it may end in a space.
        var value = text.TrimEnd('\r', '\n');
        return value.Length == 0
            ? (null, $"'{reference}' refers to {path}, which is empty", true)
            : (value, null, false);
    }

    [GeneratedRegex(@"\G\$\{(?<kind>[A-Za-z]+):(?<name>[^}\s]*)\}")]
    private static partial Regex Reference();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex VariableName();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9._-]{0,254}$")]
    private static partial Regex FileName();
}
