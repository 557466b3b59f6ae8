using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Hearth.Algorithms.Tests.EndToEnd;

/// <summary>
/// The bytes Algorithmia's official Python client (algorithmia 1.x over python-requests) puts on the wire, sent over
/// a raw socket, and the exact bytes Hearth answers. The requests were captured from that client's <c>pipe</c>: the
/// bare key in <c>Authorization</c>, <c>text/plain</c> for a string, <c>application/json</c> for an object, and
/// Python's <c>True</c> in the query.
/// </summary>
public sealed class AlgorithmiaWireTests
{
    private static string Request(string path, string key, string contentType, string body) =>
        $"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: python-requests/2.34.2\r\nAccept-Encoding: gzip, deflate\r\nAccept: */*\r\n"
        + $"Connection: keep-alive\r\nAuthorization: {key}\r\nContent-Type: {contentType}\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}";

    /// <summary>Reads one response: the head up to the blank line, then Content-Length bytes of body.</summary>
    private static async Task<string> ReadResponseAsync(NetworkStream stream)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (!(head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            Assert.Equal(1, await stream.ReadAsync(one));
            head.Add(one[0]);
        }

        var text = Encoding.ASCII.GetString([.. head]);
        var length = int.Parse(Regex.Match(text, "Content-Length: (\\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var body = new byte[length];
        await stream.ReadExactlyAsync(body);
        return text + Encoding.UTF8.GetString(body);
    }

    /// <summary>The parts that differ on every run (length, date, request ID, duration, cold-start steps, stack trace) as fixed tokens.</summary>
    private static string Normalize(string response) =>
        Regex.Replace(Regex.Replace(Regex.Replace(Regex.Replace(Regex.Replace(Regex.Replace(response,
            "Content-Length: \\d+", "Content-Length: N"),
            "Date: [^\r]+", "Date: DATE"),
            "req-[0-9a-f-]{36}", "REQUEST-ID"),
            "\"duration\":[0-9.eE-]+", "\"duration\":D"),
            "\"cold_start_steps\":\\{[^}]*\\}", "\"cold_start_steps\":STEPS"),
            "\"stacktrace\":\"Traceback \\(most recent call last\\):.*?InputError: the input was rejected\\\\n\"", "\"stacktrace\":\"TRACE\"");

    [Fact]
    public async Task TheOfficialClientsBytesGetAlgorithmiasAnswersByteForByte()
    {
        await using var cluster = await TestCluster.StartInProcessAsync();
        var (_, _, key) = await AlgorithmiaCallTests.AlgorithmsAsync(cluster);
        var hash = (await cluster.Admin.GetStringAsync("/v1/algorithms/acme/hello/versions", TestContext.Current.CancellationToken)) is var versions
            ? Regex.Match(versions, "[0-9a-f]{40}").Value
            : "";

        using var socket = new TcpClient();
        await socket.ConnectAsync("127.0.0.1", cluster.Host.Url.Port, TestContext.Current.CancellationToken);
        var stream = socket.GetStream();

        async Task<string> ExchangeAsync(string request)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(request));
            return Normalize(await ReadResponseAsync(stream));
        }

        static string Reply(string body) =>
            "HTTP/1.1 200 OK\r\nContent-Length: N\r\nContent-Type: application/json\r\nDate: DATE\r\nServer: Kestrel\r\nX-Request-Id: REQUEST-ID\r\n\r\n" + body;

        Assert.Equal(
            Reply($$$"""{"result":"hello hello","metadata":{"content_type":"text","duration":D,"cold_start":true,"cold_start_steps":STEPS,"version":"1.0.0","hash":"{{{hash}}}"}}"""),
            await ExchangeAsync(Request("/v1/algo/acme/hello/1.0.0", key, "text/plain", "hello")));
        Assert.Equal(
            Reply($$$"""{"result":{"echo": {"a": 1}},"metadata":{"content_type":"json","duration":D,"cold_start":false,"version":"1.0.0","hash":"{{{hash}}}"}}"""),
            await ExchangeAsync(Request("/v1/algo/acme/hello", key, "application/json", """{"a": 1}""")));
        Assert.Equal(
            Reply($$$"""{"error":{"message":"the input was rejected","error_type":"InputError","stacktrace":"TRACE"},"metadata":{"content_type":null,"duration":D,"cold_start":false,"version":"1.0.0","hash":"{{{hash}}}"}}"""),
            await ExchangeAsync(Request("/v1/algo/acme/hello?timeout=300&stdout=False", key, "text/plain", "error")));
    }
}
