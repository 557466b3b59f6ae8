using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Hearth.Supervisor;

/// <summary>
/// The console log formats every long-running command shares: one readable line per event, or one JSON object
/// per line (UTC ISO-8601 timestamp, level, category, message, and the message's named values under
/// <c>State</c>) for log collectors.
/// </summary>
public static class SupervisorLogging
{
    public static void AddConsole(ILoggingBuilder logging, bool json)
    {
        if (json)
        {
            logging.AddJsonConsole(o =>
            {
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.UseUtcTimestamp = true;
                o.IncludeScopes = false;
                o.JsonWriterOptions = new JsonWriterOptions { Indented = false };
            });
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
        }
    }
}
