using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hearth.Cli.Client;
using Hearth.Core.Algorithms;
using Hearth.Protocol.Rest;

namespace Hearth.Cli.Commands;

/// <summary><c>call</c> and <c>instances</c>: calling algorithms, and the instances that serve them.</summary>
internal static class CallCommands
{
    public static IEnumerable<Command> Create() => [Call(), Instances()];

    private static Command Call()
    {
        var path = new Argument<string>("algorithm") { Description = "OWNER/NAME or OWNER/NAME/VERSION (latest, latestPrivate, 1.2.3, 1.2, 1.2.* or a build hash)" };
        var input = new Argument<string?>("input") { Description = "The input: JSON if it parses as JSON, else text; - reads standard input", Arity = ArgumentArity.ZeroOrOne };
        var text = new Option<bool>("--text") { Description = "Send the input as text even if it parses as JSON" };
        var file = new Option<string?>("--file") { Description = "Send this file's bytes as binary input" };
        var timeout = new Option<double?>("--timeout") { Description = "Seconds the call may take, at most 3000 (default 300)" };
        var json = new Option<bool>("--json") { Description = "Print the whole reply as JSON: result and metadata" };
        var call = new Command("call", "Call an algorithm with the key in $HEARTH_API_KEY and print its result") { path, input, text, file, timeout, json };
        call.SetAction(async (result, cancellation) =>
        {
            TerminalText.Guard();
            try
            {
                var target = AlgorithmPath.Parse(result.GetValue(path)!);
                var seconds = result.GetValue(timeout) ?? 300;
                if (seconds is <= 0 or > 3000)
                {
                    return Output.Error("--timeout must be more than 0 and at most 3000 seconds", ExitCodes.InvalidInput);
                }

                using var content = await ContentAsync(result.GetValue(input), result.GetValue(text), result.GetValue(file), cancellation).ConfigureAwait(false);
                using var client = SupervisorClient.FromEnvironment(TimeSpan.FromSeconds(seconds + 30));
                var route = $"/v1/algo/{target.Algorithm.Owner}/{target.Algorithm.Name}" + (target.Version.Text is { } v ? "/" + Uri.EscapeDataString(v) : "")
                    + "?timeout=" + seconds.ToString(CultureInfo.InvariantCulture);
                var (status, body) = await client.CallAsync(route, content, cancellation).ConfigureAwait(false);
                return Print(status, body, result.GetValue(json));
            }
            catch (AlgorithmFormatException e)
            {
                return Output.Error(e.Message, ExitCodes.InvalidInput);
            }
            catch (CliException e)
            {
                return Output.Error(e.Message, e.ExitCode);
            }
        });
        return call;
    }

    private static async Task<HttpContent> ContentAsync(string? input, bool asText, string? file, CancellationToken cancellation)
    {
        if (file is not null)
        {
            if (input is not null)
            {
                throw new CliException("give the input as an argument or with --file, not both", ExitCodes.InvalidInput);
            }

            byte[] bytes;
            try
            {
                bytes = await File.ReadAllBytesAsync(file, cancellation).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException($"cannot read {file}: {e.Message}", ExitCodes.InvalidInput);
            }

            return Typed(new ByteArrayContent(bytes), "application/octet-stream");
        }

        var data = input == "-" ? await Console.In.ReadToEndAsync(cancellation).ConfigureAwait(false) : input ?? "null";
        var isJson = !asText && PipeProtocol.CheckJson(Encoding.UTF8.GetBytes(data)) is null;
        return Typed(new StringContent(data, Encoding.UTF8), isJson ? "application/json" : "text/plain");
    }

    private static HttpContent Typed(HttpContent content, string type)
    {
        content.Headers.ContentType = new MediaTypeHeaderValue(type) { CharSet = type == "application/octet-stream" ? null : "utf-8" };
        return content;
    }

    private static int Print(int status, byte[] body, bool json)
    {
        JsonElement reply;
        try
        {
            reply = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException)
        {
            return Output.Error($"the supervisor answered HTTP {status} with a body that is not JSON");
        }

        // An algorithm's own error comes at 200 with an error body, as on Algorithmia; it is the input that failed.
        var algorithmError = status == 200 && reply.ValueKind == JsonValueKind.Object && reply.TryGetProperty("error", out _);
        if (json)
        {
            // The reply's own fields and values, in the format every other command prints.
            Console.Out.WriteLine(Output.JsonLine(JsonNode.Parse(body)));
            return status == 200 && !algorithmError ? ExitCodes.Ok : ExitCodes.Failed;
        }

        if (status != 200 || !reply.TryGetProperty("result", out var value))
        {
            var message = reply.TryGetProperty("error", out var error) && error.TryGetProperty("message", out var m) ? m.GetString() : null;
            return Output.Error(algorithmError ? $"the algorithm failed: {message}" : $"call failed (HTTP {status}): {message ?? Encoding.UTF8.GetString(body)}",
                status == 400 || algorithmError ? ExitCodes.InvalidInput : ExitCodes.Failed);
        }

        Console.Out.WriteLine(value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText());
        if (reply.TryGetProperty("metadata", out var metadata))
        {
            var cold = metadata.GetProperty("cold_start").GetBoolean();
            var version = metadata.GetProperty("version").ValueKind == JsonValueKind.String ? metadata.GetProperty("version").GetString() : "unpublished";
            var steps = metadata.TryGetProperty("cold_start_steps", out var figures)
                ? " (" + string.Join(", ", figures.EnumerateObject().Where(f => f.Name != "total")
                    .Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Name} {f.Value.GetDouble() * 1000:F1}"))) + " ms)"
                : "";
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"hearth: {(cold ? "cold start" : "warm")}{steps}, {metadata.GetProperty("duration").GetDouble() * 1000:F1} ms, version {version}, build {metadata.GetProperty("hash").GetString()}"));
        }

        return ExitCodes.Ok;
    }

    private static Command Instances()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var instances = new Command("instances", "List algorithm instances: account, build, worker, isolation, state, last use") { json };
        instances.SetAction((result, cancellation) => ClientCommand.RunAsync(async client =>
        {
            var list = await client.GetAsync<InstanceListView>("/v1/instances", cancellation).ConfigureAwait(false);
            if (result.GetValue(json))
            {
                Output.WriteJson(new
                {
                    Instances = list.Instances.Select(i => new { i.Id, i.Account, i.Algorithm, i.Hash, i.Version, i.Worker, i.State, i.Reserved, i.LastUsed, i.CallsServed, i.Isolation }),
                });
                return ExitCodes.Ok;
            }

            if (list.Instances.Count == 0)
            {
                Console.Out.WriteLine("no instances");
            }

            else
            {
                Console.Out.WriteLine($"{"ID",-14}  {"STATE",-8} {"ACCOUNT",-12} {"ALGORITHM",-28} {"WORKER",-18} {"ISOLATION",-9} LAST USED");
            }

            foreach (var i in list.Instances)
            {
                var algorithm = $"{i.Algorithm}/{i.Version ?? i.Hash[..12]}";
                Console.Out.WriteLine($"{i.Id,-14}  {i.State,-8} {i.Account,-12} {algorithm,-28} {i.Worker ?? "(waiting)",-18} {i.Isolation ?? "-",-9} {i.LastUsed:u}{(i.Reserved ? "  reserved" : "")}");
            }

            return ExitCodes.Ok;
        }));
        instances.Subcommands.Add(StopInstance());
        return instances;
    }

    private static Command StopInstance()
    {
        var id = new Argument<string>("id") { Description = "The instance's id, from hearth instances" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var stop = new Command("stop", "Stop a starting or idle instance (admin key); a reservation that held it starts a replacement") { id, json };
        stop.SetAction((result, cancellation) => ClientCommand.RunAsync(async client =>
        {
            var i = await client.DeleteAsync<InstanceItemView>($"/v1/instances/{Uri.EscapeDataString(result.GetValue(id)!)}", cancellation).ConfigureAwait(false);
            if (result.GetValue(json))
            {
                Output.WriteJson(new { i.Id, i.Account, i.Algorithm, i.Hash, i.Version, i.Worker, i.State, i.Reserved });
            }
            else
            {
                Console.Out.WriteLine($"{i.Id} {i.State}{(i.Reserved ? "; its reservation starts a replacement" : "")}");
            }

            return ExitCodes.Ok;
        }));
        return stop;
    }
}
