using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hearth.Cli.Commands;

/// <summary>
/// How commands print: one JSON document per line, with <c>", "</c> and <c>": "</c> separators as the
/// specification's examples show, and one clear line on stderr for errors.
/// </summary>
internal static class Output
{
    public static readonly JsonSerializerOptions Json = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public static void WriteJson<T>(T value) => Console.Out.WriteLine(JsonLine(JsonSerializer.SerializeToNode(value, Json)));

    public static string JsonLine(JsonNode? node)
    {
        var text = new StringBuilder();
        Append(text, node);
        return text.ToString();
    }

    public static int Error(string message, int exitCode = ExitCodes.Failed)
    {
        Console.Error.WriteLine($"hearth: {message}");
        return exitCode;
    }

    private static void Append(StringBuilder text, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                text.Append('{');
                var first = true;
                foreach (var (key, value) in obj)
                {
                    text.Append(first ? "" : ", ").Append(JsonSerializer.Serialize(key, Json)).Append(": ");
                    Append(text, value);
                    first = false;
                }

                text.Append('}');
                break;
            case JsonArray array:
                text.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    text.Append(i == 0 ? "" : ", ");
                    Append(text, array[i]);
                }

                text.Append(']');
                break;
            case null:
                text.Append("null");
                break;
            default:
                text.Append(node.ToJsonString(Json));
                break;
        }
    }
}
