using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Hearth.Core.Algorithms;

/// <summary>
/// The instance pipe protocol's wire format (SPEC section 4): one JSON request per line on the process's stdin,
/// <c>{"content_type": "json|text|binary", "data": ...}</c>, and one JSON response per line on the pipe named by
/// <c>ALGOOUT</c>, <c>{"result": ..., "content_type": ...}</c> or <c>{"error": {"message": ...}}</c>. Algorithmia's
/// form of a result, with the type in <c>{"metadata": {"content_type": ...}}</c>, and its error fields
/// <c>error_type</c> and <c>stacktrace</c> are read too, so its runners and the ADK speak to Hearth unchanged.
/// </summary>
public static class PipeProtocol
{
    public const string InitComplete = "PIPE_INIT_COMPLETE";

    public const string OutputVariable = "ALGOOUT";

    public static string Name(PayloadType type) => type switch
    {
        PayloadType.Json => "json",
        PayloadType.Text => "text",
        _ => "binary",
    };

    public static bool TryParseType(string? text, out PayloadType type)
    {
        switch (text)
        {
            case "json":
                type = PayloadType.Json;
                return true;
            case "text":
                type = PayloadType.Text;
                return true;
            case "binary":
                type = PayloadType.Binary;
                return true;
            default:
                type = PayloadType.Json;
                return false;
        }
    }

    /// <summary>
    /// Null when <paramref name="json"/> is one well-formed JSON value, else what is wrong with it. Callers check
    /// input with this before <see cref="EncodeRequest"/>.
    /// </summary>
    public static string? CheckJson(ReadOnlySpan<byte> json)
    {
        if (json.Trim(" \t\r\n"u8).IsEmpty)
        {
            return "the body is empty; send a JSON value";
        }

        try
        {
            var reader = new Utf8JsonReader(json);
            reader.Read();
            reader.Skip();
            reader.Read();
            return null;
        }
        catch (JsonException e)
        {
            return $"the body is not valid JSON: {e.Message}";
        }
    }

    /// <summary>
    /// One request line, newline included. JSON data is embedded as sent, with line breaks (which valid JSON has only
    /// between tokens) turned into spaces; text becomes a JSON string; bytes become base64.
    /// </summary>
    public static byte[] EncodeRequest(PayloadType type, ReadOnlySpan<byte> data)
    {
        var head = type switch
        {
            PayloadType.Json => """{"content_type":"json","data":"""u8,
            PayloadType.Text => """{"content_type":"text","data":"""u8,
            _ => """{"content_type":"binary","data":"""u8,
        };
        var buffer = new ArrayBufferWriter<byte>(head.Length + data.Length + 16);
        buffer.Write(head);
        switch (type)
        {
            case PayloadType.Json:
                var span = buffer.GetSpan(data.Length);
                data.CopyTo(span);
                foreach (ref var b in span[..data.Length])
                {
                    if (b is (byte)'\n' or (byte)'\r')
                    {
                        b = (byte)' ';
                    }
                }

                buffer.Advance(data.Length);
                break;
            case PayloadType.Text:
                using (var writer = new Utf8JsonWriter(buffer))
                {
                    writer.WriteStringValue(Encoding.UTF8.GetString(data));
                }

                break;
            default:
                using (var writer = new Utf8JsonWriter(buffer))
                {
                    writer.WriteBase64StringValue(data);
                }

                break;
        }

        buffer.Write("}\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads one response line (without its newline).</summary>
    public static PipeResponse ParseResponse(ReadOnlyMemory<byte> line)
    {
        ReadOnlyMemory<byte>? result = null;
        string? contentType = null;
        string? metadataType = null;
        PipeError? error = null;
        try
        {
            var reader = new Utf8JsonReader(line.Span);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return new PipeMalformed($"expected a JSON object, got: {Preview(line.Span)}");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("result"u8))
                {
                    reader.Read();
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    result = line[start..(int)reader.BytesConsumed];
                }
                else if (reader.ValueTextEquals("content_type"u8))
                {
                    reader.Read();
                    contentType = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    if (contentType is null)
                    {
                        return new PipeMalformed("\"content_type\" must be a string: json, text or binary");
                    }
                }
                else if (reader.ValueTextEquals("error"u8))
                {
                    reader.Read();
                    error = ReadError(ref reader);
                }
                else if (reader.ValueTextEquals("metadata"u8))
                {
                    reader.Read();
                    if (MetadataType(ref reader, out metadataType) is { } metadataError)
                    {
                        return new PipeMalformed(metadataError);
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return new PipeMalformed($"not one JSON object: {Preview(line.Span)}");
            }
        }
        catch (JsonException e)
        {
            return new PipeMalformed($"not valid JSON ({e.Message}): {Preview(line.Span)}");
        }

        if (error is not null)
        {
            return error;
        }

        contentType ??= metadataType;

        if (result is null)
        {
            return new PipeMalformed($"a response needs \"result\" or \"error\": {Preview(line.Span)}");
        }

        if (!TryParseType(contentType ?? "json", out var type))
        {
            return new PipeMalformed($"unknown content_type \"{contentType}\"; expected json, text or binary");
        }

        var first = result.Value.Span[0];
        if (type != PayloadType.Json && first != (byte)'"')
        {
            return new PipeMalformed($"a {contentType} result must be a JSON string");
        }

        return new PipeResult(type, result.Value);
    }

    private static PipeError ReadError(ref Utf8JsonReader reader)
    {
        const string NoMessage = "the algorithm reported an error without a message";
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return new PipeError(reader.GetString()!);
            case JsonTokenType.StartObject:
                string? message = null;
                string? errorType = null;
                string? stacktrace = null;
                var depth = reader.CurrentDepth;
                while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
                {
                    if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == depth + 1)
                    {
                        ref var field = ref message;
                        if (reader.ValueTextEquals("error_type"u8))
                        {
                            field = ref errorType;
                        }
                        else if (reader.ValueTextEquals("stacktrace"u8) || reader.ValueTextEquals("stack_trace"u8))
                        {
                            field = ref stacktrace;
                        }
                        else if (!reader.ValueTextEquals("message"u8))
                        {
                            reader.Read();
                            reader.Skip();
                            continue;
                        }

                        reader.Read();
                        field = reader.TokenType == JsonTokenType.String ? reader.GetString() : field;
                        reader.Skip();
                    }
                    else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                    {
                        reader.Skip();
                    }
                }

                return new PipeError(message ?? NoMessage, errorType, stacktrace);
            default:
                reader.Skip();
                return new PipeError(NoMessage);
        }
    }

    /// <summary>Reads Algorithmia's <c>{"content_type": ...}</c> from a response's metadata; null, or what is wrong.</summary>
    private static string? MetadataType(ref Utf8JsonReader reader, out string? contentType)
    {
        contentType = null;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        var depth = reader.CurrentDepth;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == depth + 1 && reader.ValueTextEquals("content_type"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    return "\"metadata.content_type\" must be a string: json, text or binary";
                }

                contentType = reader.GetString();
            }
            else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }
        }

        return null;
    }

    private static string Preview(ReadOnlySpan<byte> line)
    {
        var text = Encoding.UTF8.GetString(line[..Math.Min(line.Length, 200)]);
        return line.Length > 200 ? text + "..." : text;
    }
}
