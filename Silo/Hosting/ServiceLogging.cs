using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace VideoAnalytics.Silo.Hosting;

/// <summary>Console logging of both executables (gateway and silo): every line starts with its UTC time in ISO 8601.</summary>
public static class ServiceLogging
{
    /// <summary><c>2026-11-21T08:00:00.123Z </c>: sorts as text, and merges with other hosts' logs without time zones.</summary>
    public const string TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";

    /// <summary>
    /// Timestamps for whichever console formatter is chosen (<c>Logging:Console:FormatterName</c> simple, json or
    /// systemd); a format set in configuration (<c>Logging:Console:FormatterOptions:TimestampFormat</c>) wins.
    /// </summary>
    public static ILoggingBuilder AddServiceConsole(this ILoggingBuilder logging)
    {
        ArgumentNullException.ThrowIfNull(logging);
        logging.AddConsole();
        logging.Services.Configure<SimpleConsoleFormatterOptions>(Stamp);
        logging.Services.Configure<JsonConsoleFormatterOptions>(Stamp);
        logging.Services.Configure<ConsoleFormatterOptions>(Stamp);
        return logging;
    }

    // Runs after the configuration binding that AddConsole registered, so only a format left unset is filled in.
    private static void Stamp(ConsoleFormatterOptions options)
    {
        options.TimestampFormat ??= TimestampFormat;
        options.UseUtcTimestamp = true;
    }
}
