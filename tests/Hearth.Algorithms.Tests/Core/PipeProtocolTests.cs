using System.Text;
using Hearth.Core.Algorithms;

namespace Hearth.Algorithms.Tests.Core;

public sealed class PipeProtocolTests
{
    [Theory]
    [InlineData(PayloadType.Json, "{\"a\": [1,\n 2]}\r\n", "{\"content_type\":\"json\",\"data\":{\"a\": [1,  2]}  }\n")]
    [InlineData(PayloadType.Text, "line one\nline \"two\"", "{\"content_type\":\"text\",\"data\":\"line one\\nline \\u0022two\\u0022\"}\n")]
    [InlineData(PayloadType.Binary, "\u0001\u0002\u00ff", "{\"content_type\":\"binary\",\"data\":\"AQLDvw==\"}\n")]
    public void RequestsAreOneJsonLineWhateverTheInputHolds(PayloadType type, string data, string expected)
    {
        var line = Encoding.UTF8.GetString(PipeProtocol.EncodeRequest(type, Encoding.UTF8.GetBytes(data)));
        Assert.Equal(expected, line);
        Assert.Equal(1, line.Count(c => c == '\n'));
    }

    [Theory]
    [InlineData("{\"a\": 1}", null)]
    [InlineData("  [1, 2, 3]  ", null)]
    [InlineData("\"text\"", null)]
    [InlineData("", "the body is empty; send a JSON value")]
    [InlineData("{\"a\": }", "the body is not valid JSON")]
    [InlineData("1 2", "the body is not valid JSON")]
    [InlineData("  \n ", "the body is empty; send a JSON value")]
    public void JsonBodiesAreCheckedBeforeTheyReachAnInstance(string body, string? error)
    {
        var actual = PipeProtocol.CheckJson(Encoding.UTF8.GetBytes(body));
        if (error is null)
        {
            Assert.Null(actual);
        }
        else
        {
            Assert.StartsWith(error, actual, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("{\"result\": {\"x\": [1, 2]}, \"content_type\": \"json\"}", PayloadType.Json, "{\"x\": [1, 2]}")]
    [InlineData("{\"content_type\": \"text\", \"result\": \"hello\"}", PayloadType.Text, "\"hello\"")]
    [InlineData("{\"result\": \"AQID\", \"content_type\": \"binary\"}", PayloadType.Binary, "\"AQID\"")]
    [InlineData("{\"result\": 42}", PayloadType.Json, "42")]
    [InlineData("{\"result\": null, \"content_type\": \"json\", \"extra\": {\"ignored\": true}}", PayloadType.Json, "null")]
    [InlineData("{\"result\": \"hi\", \"metadata\": {\"content_type\": \"text\"}}", PayloadType.Text, "\"hi\"")]
    [InlineData("{\"metadata\": {\"other\": {\"content_type\": \"json\"}, \"content_type\": \"binary\"}, \"result\": \"AQID\"}", PayloadType.Binary, "\"AQID\"")]
    [InlineData("{\"result\": \"x\", \"content_type\": \"text\", \"metadata\": {\"content_type\": \"binary\"}}", PayloadType.Text, "\"x\"")]
    public void ResultsKeepTheRawValueTheAlgorithmWrote(string line, PayloadType type, string raw)
    {
        var result = Assert.IsType<PipeResult>(PipeProtocol.ParseResponse(Encoding.UTF8.GetBytes(line)));
        Assert.Equal(type, result.ContentType);
        Assert.Equal(raw, Encoding.UTF8.GetString(result.Result.Span));
    }

    [Theory]
    [InlineData("{\"error\": {\"message\": \"bad input\", \"error_type\": \"InputError\"}}", "bad input")]
    [InlineData("{\"error\": {\"stack\": {\"message\": \"not this\"}, \"message\": \"this\"}}", "this")]
    [InlineData("{\"error\": \"plain\"}", "plain")]
    [InlineData("{\"error\": {}}", "the algorithm reported an error without a message")]
    public void ErrorsCarryTheAlgorithmsMessage(string line, string message) =>
        Assert.Equal(message, Assert.IsType<PipeError>(PipeProtocol.ParseResponse(Encoding.UTF8.GetBytes(line))).Message);

    [Theory]
    [InlineData("{\"error\": {\"message\": \"m\", \"stacktrace\": \"Traceback ...\", \"error_type\": \"AlgorithmError\"}}", "m", "AlgorithmError", "Traceback ...")]
    [InlineData("{\"error\": {\"error_type\": \"LoadingError\", \"stack_trace\": \"at x\", \"message\": \"n\"}}", "n", "LoadingError", "at x")]
    [InlineData("{\"error\": {\"message\": \"only\"}}", "only", null, null)]
    public void AlgorithmiasErrorFieldsArePassedOn(string line, string message, string? errorType, string? stacktrace) =>
        Assert.Equal(new PipeError(message, errorType, stacktrace), PipeProtocol.ParseResponse(Encoding.UTF8.GetBytes(line)));

    [Theory]
    [InlineData("hello", "not valid JSON")]
    [InlineData("[1]", "expected a JSON object")]
    [InlineData("{\"content_type\": \"json\"}", "a response needs \"result\" or \"error\"")]
    [InlineData("{\"result\": 1, \"content_type\": \"xml\"}", "unknown content_type \"xml\"")]
    [InlineData("{\"result\": 1, \"content_type\": \"text\"}", "a text result must be a JSON string")]
    [InlineData("{\"result\": 1} {\"result\": 2}", "not valid JSON")]
    [InlineData("{\"result\": 1, \"metadata\": {\"content_type\": 3}}", "\"metadata.content_type\" must be a string")]
    public void MalformedResponsesSayWhatIsWrong(string line, string reason) =>
        Assert.Contains(reason, Assert.IsType<PipeMalformed>(PipeProtocol.ParseResponse(Encoding.UTF8.GetBytes(line))).Message, StringComparison.Ordinal);
}
