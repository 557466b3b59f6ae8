using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Hearth.Cli.Client;
using Hearth.Core.Reservations;
using Hearth.Protocol.Rest;

namespace Hearth.Cli.Commands;

/// <summary>
/// <c>reservations list | add | update | remove</c>: warm instances kept for a calling account (admin key). The fields
/// are checked here by the same rules the supervisor applies, so a malformed one fails at once with the same message.
/// </summary>
internal static class ReservationsCommands
{
    public static Command Create()
    {
        var reservations = new Command("reservations", "Keep warm instances of an algorithm for a calling account (admin key)");
        reservations.Subcommands.Add(List());
        reservations.Subcommands.Add(Add());
        reservations.Subcommands.Add(Update());
        reservations.Subcommands.Add(Remove());
        return reservations;
    }

    private static Option<bool> JsonOption() => new("--json") { Description = "Print JSON" };

    private static Command List()
    {
        var json = JsonOption();
        var list = new Command("list", "List reservations with their status: desired, ready, starting, state and reason") { json };
        list.SetAction((result, cancellation) => ClientCommand.RunAsync(async client =>
        {
            var view = await client.GetAsync<ReservationListView>("/v1/admin/reservations", cancellation).ConfigureAwait(false);
            if (result.GetValue(json))
            {
                Output.WriteJson(view);
                return ExitCodes.Ok;
            }

            if (view.Reservations.Count == 0)
            {
                Console.Out.WriteLine("no reservations");
                return ExitCodes.Ok;
            }

            Console.Out.WriteLine($"{"ID",4}  {"CALLING USER",-14} {"ALGORITHM",-28} {"VERSION TYPE",-15} {"COUNT",5}  {"STATE",-8} READY  REASON");
            foreach (var r in view.Reservations)
            {
                var s = r.Status;
                Console.Out.WriteLine($"{r.Id,4}  {r.CallingUser,-14} {r.Algorithm,-28} {r.VersionType,-15} {r.Count,5}  {s.State,-8} {s.Ready,2}/{s.Desired,-2}  {s.Reason}");
            }

            return ExitCodes.Ok;
        }));
        return list;
    }

    private static Command Add()
    {
        var user = new Option<string>("--calling-user") { Description = "The account whose calls the instances serve", Required = true };
        var algorithm = new Option<string>("--algorithm") { Description = "OWNER/NAME, or OWNER/NAME/VERSION for version type semver or hash", Required = true };
        var type = new Option<string>("--version-type") { Description = $"One of {VersionTypes.Choices}", Required = true };
        var count = new Option<string>("--count") { Description = "How many instances to keep warm, a positive integer", Required = true };
        var schedule = new Option<string[]>("--schedule")
        {
            Description = "A window keeping another count, e.g. \"0 8 * * MON-FRI to 0 18 * * MON-FRI keep 5\" (repeatable)",
            AllowMultipleArgumentsPerToken = false,
        };
        var zone = new Option<string?>("--time-zone") { Description = "The schedule's time zone, an IANA name (default UTC)" };
        var json = JsonOption();
        var add = new Command("add", "Add a reservation; prints its ID") { user, algorithm, type, count, schedule, zone, json };
        add.SetAction((result, cancellation) => ClientCommand.RunAsync(async client =>
        {
            var windows = new List<ScheduleWindowInput>();
            foreach (var text in result.GetValue(schedule) ?? [])
            {
                windows.Add(ScheduleWindowInput.ParseText(text, out var error)
                    ?? throw new CliException($"--schedule {error}", ExitCodes.InvalidInput));
            }

            var request = new ReservationRequest(result.GetValue(user), result.GetValue(algorithm), result.GetValue(type), result.GetValue(count),
                windows.Count > 0 ? windows : null, result.GetValue(zone));
            var errors = ReservationRules.CheckForm(request, DateTimeOffset.UtcNow, out var parts);
            if (parts is null)
            {
                return Output.Error(string.Join("; ", errors.Select(e => e.Message)), ExitCodes.InvalidInput);
            }

            var body = new CreateReservationRequest(
                request.CallingUser!.Trim(), request.Algorithm!.Trim(), request.VersionType!.Trim(), Number(parts.Count),
                windows.Count > 0 ? [.. windows.Select(w => new ScheduleWindowBody(w.Start, w.End, Number(int.Parse(w.Count!, CultureInfo.InvariantCulture))))] : null,
                request.TimeZone);
            var created = await client.PostAsync<ReservationView>("/v1/admin/reservations", body, cancellation).ConfigureAwait(false);
            if (result.GetValue(json))
            {
                Output.WriteJson(new { created.Id });
            }
            else
            {
                Console.Out.WriteLine(created.Id.ToString(CultureInfo.InvariantCulture));
            }

            return ExitCodes.Ok;
        }));
        return add;
    }

    private static Command Update()
    {
        var id = new Argument<string>("id") { Description = "A reservation ID" };
        var count = new Option<string>("--count") { Description = "The new count; instances start or return to the idle pool without a restart", Required = true };
        var json = JsonOption();
        var update = new Command("update", "Change a reservation's count") { id, count, json };
        update.SetAction((result, cancellation) => ClientCommand.RunAsync(async client =>
        {
            var reservation = ParseId(result.GetValue(id)!);
            var n = InstanceCount.Parse(result.GetValue(count), "count", out var error)
                ?? throw new CliException(error!, ExitCodes.InvalidInput);
            var updated = await client.PatchAsync<ReservationView>($"/v1/admin/reservations/{reservation}", new UpdateReservationRequest(Number(n)), cancellation)
                .ConfigureAwait(false);
            if (result.GetValue(json))
            {
                Output.WriteJson(updated);
            }
            else
            {
                Console.Out.WriteLine($"reservation {updated.Id} now keeps {updated.Count}");
            }

            return ExitCodes.Ok;
        }));
        return update;
    }

    private static Command Remove()
    {
        var id = new Argument<string>("id") { Description = "A reservation ID" };
        var json = JsonOption();
        var remove = new Command("remove", "Remove a reservation; its instances return to the ordinary idle pool") { id, json };
        remove.SetAction((result, cancellation) => ClientCommand.RunAsync(async client =>
        {
            var reservation = ParseId(result.GetValue(id)!);
            await client.DeleteAsync($"/v1/admin/reservations/{reservation}", cancellation).ConfigureAwait(false);
            if (result.GetValue(json))
            {
                Output.WriteJson(new { Id = reservation, Removed = true });
            }
            else
            {
                Console.Out.WriteLine($"reservation {reservation} removed");
            }

            return ExitCodes.Ok;
        }));
        return remove;
    }

    private static long ParseId(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
            ? id
            : throw new CliException($"\"{text}\" is not a reservation ID: reservation IDs are positive integers, e.g. 3", ExitCodes.InvalidInput);

    private static JsonElement Number(int n) => JsonSerializer.SerializeToElement(n);
}
