// Word count: answers text (or JSON {"text": "..."}) with each word's count, most frequent first.
// It opens its output pipe (ALGOOUT) again for every response, the other mode the pipe protocol allows.
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

var outputPath = Environment.GetEnvironmentVariable("ALGOOUT")
    ?? throw new InvalidOperationException("ALGOOUT is not set; run this under Hearth");
var stdin = new StreamReader(Console.OpenStandardInput(), Encoding.UTF8);
Console.Out.WriteLine("PIPE_INIT_COMPLETE");
Console.Out.Flush();

while (stdin.ReadLine() is { } line)
{
    JsonNode response;
    try
    {
        var request = JsonNode.Parse(line)!.AsObject();
        var data = request["data"];
        var text = data is JsonObject obj ? obj["text"]?.GetValue<string>() : data?.GetValueKind() == JsonValueKind.String ? data.GetValue<string>() : null;
        response = text is null
            ? new JsonObject { ["error"] = new JsonObject { ["message"] = "send text, or JSON {\"text\": \"...\"}" } }
            : new JsonObject { ["result"] = Count(text), ["content_type"] = "json" };
    }
    catch (JsonException e)
    {
        response = new JsonObject { ["error"] = new JsonObject { ["message"] = $"bad request: {e.Message}" } };
    }

    using var output = new StreamWriter(outputPath, append: true, new UTF8Encoding(false));
    output.Write(response.ToJsonString());
    output.Write('\n');
}

static JsonObject Count(string text)
{
    var counts = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
        .Select(w => w.Trim('.', ',', ';', ':', '!', '?', '"', '\'').ToLowerInvariant())
        .Where(w => w.Length > 0)
        .GroupBy(w => w)
        .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal);
    var words = new JsonObject();
    foreach (var group in counts)
    {
        words[group.Key] = group.Count();
    }

    return new JsonObject { ["words"] = words, ["total"] = words.Sum(kv => kv.Value!.GetValue<int>()) };
}
