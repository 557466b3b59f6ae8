using System.Text.Json;
using System.Text.Json.Serialization;
using Hearth.Core.Text;

namespace Hearth.Supervisor.Endpoints;

/// <summary>
/// Every string of every JSON body passes here as it is read: one holding a NUL, a lone surrogate or a control
/// character other than a tab or a line break is refused by its JSON path before any endpoint sees it, so no such
/// value reaches the scheduling loop or the store. Fields that must be one line (names) are held to that further on.
/// </summary>
internal sealed class ClientTextConverter : JsonConverter<string>
{
    public override bool HandleNull => false;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            // Let the serializer say "expected a string", as it does for any other type.
            throw new JsonException($"The JSON value could not be converted to {typeof(string)}.");
        }

        string text;
        try
        {
            text = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // The reader refuses a \uD800 escape with no partner: text no store keeps.
            throw new ClientTextException("holds a lone UTF-16 surrogate, which is not text; it may hold only printable text, tabs and line breaks");
        }

        return ClientText.Problem(text, multiline: true) is { } problem ? throw new ClientTextException(problem) : text;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value);
    }
}

/// <summary>A JSON string that may not be kept; its path is set by the serializer.</summary>
internal sealed class ClientTextException(string message) : JsonException(message);
