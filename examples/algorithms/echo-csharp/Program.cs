// Echo in C#: answers every request with its own input, of the same content type, like ../echo in Python.
// It holds its output pipe (ALGOOUT) open for its whole life and copies the request's "data" through without
// building a tree, so a call costs little more than the pipe's two hops.
using System.Buffers;
using System.Text;
using System.Text.Json;

var outputPath = Environment.GetEnvironmentVariable("ALGOOUT")
    ?? throw new InvalidOperationException("ALGOOUT is not set; run this under Hearth");
using var output = new FileStream(outputPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
using var stdin = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false), false, 64 * 1024);
var buffer = new ArrayBufferWriter<byte>(4096);
using var json = new Utf8JsonWriter(buffer);
Console.Out.WriteLine("PIPE_INIT_COMPLETE");
Console.Out.Flush();

while (stdin.ReadLine() is { } line)
{
    buffer.ResetWrittenCount();
    json.Reset(buffer);
    try
    {
        using var request = JsonDocument.Parse(line);
        var root = request.RootElement;
        json.WriteStartObject();
        json.WritePropertyName("result");
        if (root.TryGetProperty("data", out var data))
        {
            data.WriteTo(json);
        }
        else
        {
            json.WriteNullValue();
        }

        json.WriteString("content_type", root.TryGetProperty("content_type", out var type) ? type.GetString() : "json");
        json.WriteEndObject();
    }
    catch (Exception e) when (e is JsonException or InvalidOperationException)
    {
        json.Reset(buffer);
        buffer.ResetWrittenCount();
        json.WriteStartObject();
        json.WriteStartObject("error");
        json.WriteString("message", $"bad request: {e.Message}");
        json.WriteEndObject();
        json.WriteEndObject();
    }

    json.Flush();
    buffer.Write("\n"u8);
    output.Write(buffer.WrittenSpan);
}
