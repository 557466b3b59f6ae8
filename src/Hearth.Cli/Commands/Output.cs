using System.Globalization;
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

    /// <summary>A number in plain decimals (0.000054, not 5.4E-05), the same value; out of decimal's range it stays as it was.</summary>
    private static string PlainNumber(string raw) =>
        raw.Contains('e', StringComparison.OrdinalIgnoreCase)
        && decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain)
            ? plain.ToString(CultureInfo.InvariantCulture)
            : raw;

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
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                // Re-encoded so text another writer escaped (\u0027 for ', say) reads as written.
                text.Append(JsonSerializer.Serialize(value.GetValue<string>(), Json));
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number:
                text.Append(PlainNumber(value.ToJsonString(Json)));
                break;
            default:
                text.Append(node.ToJsonString(Json));
                break;
        }
    }
}
