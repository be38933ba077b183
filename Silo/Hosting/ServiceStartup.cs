using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace VideoAnalytics.Silo.Hosting;

/// <summary>
/// Runs an executable's web application so that a bad setting ends it with one line naming the key and exit code 1,
/// not an unhandled exception (SIGABRT, exit code 134) with a stack trace that buries the one line that matters.
/// </summary>
/// <remarks>
/// Settings are validated before the host starts (<see cref="IStartupValidator"/>: every <c>ValidateOnStart</c>
/// options class), because a failure inside the host's start is logged by the host with its stack trace first.
/// What counts as a bad setting: an <see cref="OptionsValidationException"/> (its message names the options class
/// and member) and a value the configuration binder cannot convert (its message names the key). Anything else is a
/// bug or an environment failure and keeps its stack trace.
/// </remarks>
public static class ServiceStartup
{
    public const int BadSettingExitCode = 1;

    /// <summary>Builds the application with <paramref name="build"/>, validates its settings and runs it; returns the exit code.</summary>
    public static async Task<int> RunAsync(string name, Func<WebApplication> build, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(build);
        ArgumentNullException.ThrowIfNull(error);
        WebApplication app;
        try
        {
            app = build();
        }
        catch (Exception e) when (IsBadSetting(e))
        {
            return Refuse(name, e, error);
        }

        await using (app)
        {
            try
            {
                app.Services.GetService<IStartupValidator>()?.Validate();
                await app.RunAsync();
                return 0;
            }
            catch (Exception e) when (IsBadSetting(e))
            {
                return Refuse(name, e, error);
            }
        }
    }

    private static bool IsBadSetting(Exception e) => e switch
    {
        OptionsValidationException => true,
        InvalidOperationException { Source: "Microsoft.Extensions.Configuration.Binder" } => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsBadSetting),
        _ => false,
    };

    private static int Refuse(string name, Exception e, TextWriter error)
    {
        var message = e is AggregateException aggregate ? string.Join("; ", aggregate.InnerExceptions.Select(i => i.Message)) : e.Message;
        error.WriteLine($"{name}: bad setting, not starting: {message.ReplaceLineEndings(" ")}");
        error.Flush();
        return BadSettingExitCode;
    }
}
