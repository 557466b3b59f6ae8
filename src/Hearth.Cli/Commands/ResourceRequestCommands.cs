using System.CommandLine;
using Hearth.Core.Resources;

namespace Hearth.Cli.Commands;

/// <summary>
/// <c>hearth reservation parse SPEC [--json]</c>: checks a resource request. The command keeps Qube!'s word
/// "reservation" for the request string so farm scripts carry over; in Hearth a reservation is a warm-instance one.
/// </summary>
internal static class ResourceRequestCommands
{
    public static Command Create()
    {
        var spec = new Argument<string>("spec") { Description = "A reservation string, e.g. host.processors=2+,global.maya=1" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var parse = new Command("parse", "Parse a reservation string and print its items") { spec, json };
        parse.SetAction(result => Parse(result.GetValue(spec)!, result.GetValue(json)));
        return new Command("reservation", "The reservation language") { parse };
    }

    private static int Parse(string text, bool json)
    {
        if (!ResourceRequest.TryParse(text, out var parsed, out var error))
        {
            return Output.Error($"invalid reservation: {error}", ExitCodes.InvalidInput);
        }

        if (json)
        {
            Output.WriteJson(new
            {
                Items = parsed!.Items.Select(i => new
                {
                    Type = i.Resource.TypeText,
                    i.Resource.Name,
                    Mode = i.ModeText,
                    i.Min,
                    i.Max,
                }),
            });
        }
        else
        {
            foreach (var item in parsed!.Items)
            {
                var max = item.Max is { } m ? m.ToString(System.Globalization.CultureInfo.InvariantCulture) : "unbounded";
                Console.Out.WriteLine($"{item.Resource,-24} {item.ModeText,-7} min {item.Min} max {max}");
            }
        }

        return ExitCodes.Ok;
    }
}
