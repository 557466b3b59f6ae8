using System.Text;
using Hearth.Core.Algorithms;
using Hearth.Worker.Algorithms;

namespace Hearth.Algorithms.Tests.Worker;

public sealed class InstanceProcessTests : IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);
    private readonly ScratchDirectory _scratch = new();
    private readonly List<InstanceProcess> _started = [];

    public void Dispose()
    {
        foreach (var instance in _started)
        {
            instance.DisposeAsync().AsTask().Wait(Generous);
        }

        _scratch.Dispose();
    }

    private async Task<InstanceProcess> StartAsync(string directory, string[] entrypoint, TimeSpan? loadTimeout = null)
    {
        var launch = new InstanceLaunch($"i-{_started.Count + 1}", directory, entrypoint, loadTimeout ?? Generous,
            Path.Combine(_scratch.Path, $"run-{_started.Count + 1}"));
        var instance = await InstanceProcess.StartAsync(launch, new InstanceLog(TimeProvider.System), TimeProvider.System, TestContext.Current.CancellationToken);
        _started.Add(instance);
        return instance;
    }

    private Task<InstanceProcess> FixtureAsync(params string[] args) =>
        StartAsync(Paths.Fixtures, ["python3", "behaving.py", .. args]);

    private static Task<InstanceReply> CallAsync(InstanceProcess instance, PayloadType type, string data, TimeSpan? timeout = null) =>
        instance.CallAsync(PipeProtocol.EncodeRequest(type, Encoding.UTF8.GetBytes(data)), timeout ?? Generous);

    private static string ResultOf(InstanceReply reply)
    {
        Assert.Equal(CallOutcome.Replied, reply.Outcome);
        var result = Assert.IsType<PipeResult>(reply.Parse());
        return $"{PipeProtocol.Name(result.ContentType)} {Encoding.UTF8.GetString(result.Result.Span)}";
    }

    [Fact]
    public async Task TheEchoExampleAnswersEveryRequestInOrderOverItsHeldOpenPipe()
    {
        var echo = await StartAsync(Paths.Example("echo"), ["python3", "echo.py"]);
        for (var i = 0; i < 200; i++)
        {
            Assert.Equal($"json {{\"n\":{i}}}", ResultOf(await CallAsync(echo, PayloadType.Json, $"{{\"n\": {i}}}")));
        }
    }

    [Theory]
    [InlineData("hold")]
    [InlineData("reopen")]
    public async Task BothPipeModesAnswerEveryRequest(string mode)
    {
        var instance = await FixtureAsync(mode);
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal($"text \"call {i}\"", ResultOf(await CallAsync(instance, PayloadType.Text, $"call {i}")));
        }
    }

    [Fact]
    public async Task TextAndBinaryInputsComeBackAsTheyWent()
    {
        var echo = await StartAsync(Paths.Example("echo"), ["python3", "echo.py"]);
        Assert.Equal("text \"two\\nlines \\u00e9\"", ResultOf(await CallAsync(echo, PayloadType.Text, "two\nlines é")));
        var bytes = new byte[] { 0, 1, 2, 255, 10, 13 };
        var reply = await echo.CallAsync(PipeProtocol.EncodeRequest(PayloadType.Binary, bytes), Generous);
        var result = Assert.IsType<PipeResult>(reply.Parse());
        Assert.Equal(PayloadType.Binary, result.ContentType);
        Assert.Equal(bytes, Convert.FromBase64String(Encoding.UTF8.GetString(result.Result.Span).Trim('"')));
    }

    [Fact]
    public async Task AnAlgorithmErrorComesBackAsAnErrorResponse()
    {
        var instance = await FixtureAsync("hold");
        var reply = await CallAsync(instance, PayloadType.Text, "error");
        Assert.Equal("the input was rejected", Assert.IsType<PipeError>(reply.Parse()).Message);
        Assert.Equal("text \"still here\"", ResultOf(await CallAsync(instance, PayloadType.Text, "still here")));
    }

    [Fact]
    public async Task OutputAfterInitIsTheInstancesLog()
    {
        var instance = await FixtureAsync("hold");
        ResultOf(await CallAsync(instance, PayloadType.Text, "log"));

        // The log pumps run beside the response pipe, so the lines may land just after the response.
        var deadline = DateTime.UtcNow + Generous;
        while (instance.Log.Recent().Count(l => l.Text.StartsWith("a line on", StringComparison.Ordinal)) < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "the log lines never arrived");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        var lines = instance.Log.Recent();
        Assert.Contains(lines, l => l.Stream == LogStream.Stdout && l.Text == "a line on stdout");
        Assert.Contains(lines, l => l.Stream == LogStream.Stderr && l.Text == "a line on stderr");
        Assert.DoesNotContain(lines, l => l.Text.Contains(PipeProtocol.InitComplete, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("hold")]
    [InlineData("reopen")]
    public async Task ACrashDuringACallGivesThatCallAClearError(string mode)
    {
        var instance = await FixtureAsync(mode);
        var reply = await CallAsync(instance, PayloadType.Text, "crash");
        Assert.Equal(CallOutcome.Crashed, reply.Outcome);
        Assert.Equal("the instance exited with code 3 during the call; last output: loading the fixture | about to crash", reply.Failure);
        Assert.Equal(3, (await instance.Exited.WaitAsync(Generous, TestContext.Current.CancellationToken)).ExitCode);
    }

    [Fact]
    public async Task ACrashAfterHalfAResponseIsACrashNotAGarbledResult()
    {
        var instance = await FixtureAsync("hold");
        var reply = await CallAsync(instance, PayloadType.Text, "partial-crash");
        Assert.Equal(CallOutcome.Crashed, reply.Outcome);
        Assert.StartsWith("the instance exited with code 5 during the call", reply.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACallAfterTheProcessDiedFailsAtOnce()
    {
        var instance = await FixtureAsync("hold");
        await CallAsync(instance, PayloadType.Text, "crash");
        var reply = await CallAsync(instance, PayloadType.Text, "hello");
        Assert.Equal(CallOutcome.Crashed, reply.Outcome);
        Assert.Contains("before the call", reply.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHungCallTimesOutAndTheInstanceIsKilled()
    {
        var instance = await FixtureAsync("hold");
        var reply = await CallAsync(instance, PayloadType.Text, "hang", TimeSpan.FromMilliseconds(500));
        Assert.Equal(CallOutcome.TimedOut, reply.Outcome);
        Assert.Equal("the call timed out after 0.5 s with no response; the instance was stopped", reply.Failure);
        var exit = await instance.Exited.WaitAsync(Generous, TestContext.Current.CancellationToken);
        Assert.True(exit.Killed);
    }

    [Fact]
    public async Task AnEarlierCallsShortTimeoutDoesNotEndALaterLongerCall()
    {
        var instance = await FixtureAsync("hold");
        Assert.Equal("text \"quick\"", ResultOf(await CallAsync(instance, PayloadType.Text, "quick", TimeSpan.FromMilliseconds(200))));
        // Still running when the first call's deadline passes; its own is far off.
        Assert.Equal("text \"sleep:0.6\"", ResultOf(await CallAsync(instance, PayloadType.Text, "sleep:0.6", Generous)));
        Assert.False(instance.HasExited);
    }

    [Fact]
    public async Task ALaterCallsShorterTimeoutIsKeptAfterALongerOne()
    {
        var instance = await FixtureAsync("hold");
        Assert.Equal("text \"first\"", ResultOf(await CallAsync(instance, PayloadType.Text, "first", Generous)));
        var reply = await CallAsync(instance, PayloadType.Text, "hang", TimeSpan.FromMilliseconds(300)).WaitAsync(Generous, TestContext.Current.CancellationToken);
        Assert.Equal(CallOutcome.TimedOut, reply.Outcome);
    }

    [Fact]
    public async Task AnInstanceServesOneCallAtATime()
    {
        var instance = await FixtureAsync("hold");
        var first = CallAsync(instance, PayloadType.Text, "hang", TimeSpan.FromSeconds(5));
        await Assert.ThrowsAsync<InvalidOperationException>(() => CallAsync(instance, PayloadType.Text, "second"));
        instance.Kill("test over");
        Assert.Equal(CallOutcome.Crashed, (await first.WaitAsync(Generous, TestContext.Current.CancellationToken)).Outcome);
    }

    [Fact]
    public async Task AnExitDuringLoadFailsTheStartWithItsOutput()
    {
        var e = await Assert.ThrowsAsync<InstanceStartException>(() => FixtureAsync("hold", "--fail-load"));
        Assert.Equal("the instance exited with code 4 during load, before printing PIPE_INIT_COMPLETE; last output: "
            + "loading the fixture | cannot load weights: model.bin is missing", e.Message);
    }

    [Fact]
    public async Task AnInstanceThatNeverFinishesLoadingIsKilledAtTheLoadTimeout()
    {
        var e = await Assert.ThrowsAsync<InstanceStartException>(
            () => StartAsync(Paths.Fixtures, ["python3", "behaving.py", "--never-ready"], TimeSpan.FromSeconds(3)));
        Assert.StartsWith("did not print PIPE_INIT_COMPLETE within the load timeout of 3 s; it was killed; last output: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("loading the fixture", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingProgramFailsTheStartNamingItButNoPathOfTheWorker()
    {
        var e = await Assert.ThrowsAsync<InstanceStartException>(() => StartAsync(Paths.Fixtures, ["./no-such-program"]));
        Assert.Equal("cannot run entrypoint ./no-such-program in the build's directory: No such file or directory", e.Message);
    }

    [Fact]
    public async Task StoppingClosesStdinAndTheProcessEndsOnItsOwn()
    {
        var echo = await StartAsync(Paths.Example("echo"), ["python3", "echo.py"]);
        await echo.StopAsync(Generous);
        var exit = await echo.Exited;
        Assert.Equal((0, false), (exit.ExitCode, exit.Killed));
    }

    [Fact]
    public async Task StoppingAProcessThatIgnoresStdinKillsItAfterTheGrace()
    {
        var instance = await FixtureAsync("hold");
        var call = CallAsync(instance, PayloadType.Text, "hang");
        await instance.StopAsync(TimeSpan.FromMilliseconds(300));
        Assert.True((await instance.Exited).Killed);
        var reply = await call.WaitAsync(Generous, TestContext.Current.CancellationToken);
        Assert.Equal(CallOutcome.Crashed, reply.Outcome);
        Assert.Contains("stop grace period", reply.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheLaunchsVariablesReachTheProcessAndACapturingCallGetsWhatItPrinted()
    {
        var directory = Path.Combine(_scratch.Path, "env");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "main.py"), """
            import json, os, sys
            out = open(os.environ["ALGOOUT"], "w")
            print("PIPE_INIT_COMPLETE", flush=True)
            for line in sys.stdin:
                print("serving", json.loads(line)["data"], flush=True)
                out.write(json.dumps({"result": os.environ["GREETING"], "metadata": {"content_type": "text"}}) + "\n")
                out.flush()
            """);
        var launch = new InstanceLaunch("i-env", directory, ["python3", "main.py"], Generous, Path.Combine(_scratch.Path, "run-env"))
        {
            Environment = new Dictionary<string, string> { ["GREETING"] = "hello from the launch" },
        };
        var instance = await InstanceProcess.StartAsync(launch, new InstanceLog(TimeProvider.System), TimeProvider.System, TestContext.Current.CancellationToken);
        _started.Add(instance);

        var captured = await instance.CallAsync(PipeProtocol.EncodeRequest(PayloadType.Text, "one"u8), Generous, captureStdout: true);
        Assert.Equal(("text \"hello from the launch\"", "serving one\n"), (ResultOf(captured), captured.Stdout));
        var plain = await instance.CallAsync(PipeProtocol.EncodeRequest(PayloadType.Text, "two"u8), Generous);
        Assert.Equal(("text \"hello from the launch\"", null), (ResultOf(plain), plain.Stdout));
    }
}
