using System.Text;
using System.Threading.Channels;
using Hearth.Core.Algorithms;
using Hearth.Worker.Algorithms;
using Hearth.Worker.Builds;

namespace Hearth.Algorithms.Tests.Worker;

public sealed class InstanceHostTests : IAsyncDisposable
{
    private const string Hash = "fefefefefefefefefefefefefefefefefefefefe";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly ScratchDirectory _scratch = new();
    private readonly Recorder _reports = new();
    private readonly InstanceHost _host;
    private readonly ArchiveSource _source;

    public InstanceHostTests()
    {
        _source = new ArchiveSource(Path.Combine(_scratch.Path, "build.tar.gz"));
        _host = new InstanceHost(new BuildCache(Path.Combine(_scratch.Path, "cache"), _source), Path.Combine(_scratch.Path, "run"), TimeProvider.System, _reports);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _scratch.Dispose();
    }

    private async Task PackFixtureAsync() =>
        await BuildArchive.PackAsync(Paths.Fixtures, _source.Path, TestContext.Current.CancellationToken);

    private static InstanceStart Start(string id, params string[] args) =>
        new(id, "alice", "acme/fixture", Hash, "1.0.0", null, ["python3", "behaving.py", .. args], Bound);

    private static byte[] Text(string data) => PipeProtocol.EncodeRequest(PayloadType.Text, Encoding.UTF8.GetBytes(data));

    [Fact]
    public async Task AnInstanceIsFetchedStartedCalledAndStopped()
    {
        await PackFixtureAsync();
        _host.Start(Start("i-1", "hold"));
        Assert.Equal("ready i-1", await _reports.NextAsync());

        _host.Call("i-1", 7, Text("hello"), Bound);
        Assert.Equal("call i-1 7 Replied {\"result\": \"hello\", \"content_type\": \"text\"}", await _reports.NextAsync());

        var snapshot = Assert.Single(_host.Snapshot());
        Assert.Equal(("i-1", true, false), (snapshot.Start.InstanceId, snapshot.Ready, snapshot.Busy));

        _host.Stop("i-1", Bound);
        Assert.Equal("exited i-1 stopped", await _reports.NextAsync());
        Assert.Equal(0, _host.Count);
    }

    [Fact]
    public async Task ACrashReportsTheCallBeforeTheExit()
    {
        await PackFixtureAsync();
        _host.Start(Start("i-1", "reopen"));
        await _reports.NextAsync();
        _host.Call("i-1", 1, Text("crash"), Bound);
        Assert.Equal("call i-1 1 Crashed the instance exited with code 3 during the call; last output: loading the fixture | about to crash", await _reports.NextAsync());
        Assert.Equal("exited i-1 the instance exited with code 3; last output: loading the fixture | about to crash", await _reports.NextAsync());
    }

    [Fact]
    public async Task ALoadFailureIsReportedAsAnExitDuringLoad()
    {
        await PackFixtureAsync();
        _host.Start(Start("i-1", "hold", "--fail-load"));
        Assert.Equal("loadfail i-1 the instance exited with code 4 during load, before printing PIPE_INIT_COMPLETE; last output: "
            + "loading the fixture | cannot load weights: model.bin is missing", await _reports.NextAsync());
    }

    [Fact]
    public async Task AMissingBuildIsReportedAsAnExitDuringLoad()
    {
        _host.Start(Start("i-1", "hold"));
        Assert.StartsWith($"loadfail i-1 cannot fetch build {Hash}", await _reports.NextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARunningInstanceKeepsItsBuildInACacheOverItsCapUntilItExits()
    {
        await PackFixtureAsync();
        var cache = new BuildCache(Path.Combine(_scratch.Path, "capped"), _source, capacityBytes: 0);
        await using var host = new InstanceHost(cache, Path.Combine(_scratch.Path, "run-capped"), TimeProvider.System, _reports);
        host.Start(Start("i-1", "hold"));
        Assert.Equal("ready i-1", await _reports.NextAsync());
        cache.Trim();
        Assert.True(cache.Contains(Hash));

        host.Stop("i-1", Bound);
        Assert.Equal("exited i-1 stopped", await _reports.NextAsync());
        cache.Trim();
        Assert.False(cache.Contains(Hash));
    }

    [Fact]
    public async Task ACallToAnUnknownInstanceFailsAtOnce()
    {
        _host.Call("i-9", 3, Text("x"), Bound);
        Assert.Equal("call i-9 3 Crashed instance i-9 is not running on this worker", await _reports.NextAsync());
    }

    private sealed class ArchiveSource(string path) : IBuildSource
    {
        public string Path { get; } = path;

        public Task<Stream> OpenAsync(string hash, string? grant, CancellationToken cancellationToken) =>
            File.Exists(Path) ? Task.FromResult<Stream>(File.OpenRead(Path)) : throw new IOException("the supervisor has no such build");
    }

    private sealed class Recorder : IInstanceReports
    {
        private readonly Channel<string> _events = Channel.CreateUnbounded<string>();

        public async Task<string> NextAsync() => await _events.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Bound);

        public void Ready(string instanceId, ColdStart coldStart) => _events.Writer.TryWrite($"ready {instanceId}");

        public void Exited(string instanceId, string reason, bool duringLoad) =>
            _events.Writer.TryWrite($"{(duringLoad ? "loadfail" : "exited")} {instanceId} {reason}");

        public void CallDone(string instanceId, long callId, InstanceReply reply) =>
            _events.Writer.TryWrite($"call {instanceId} {callId} {reply.Outcome} {(reply.Line is null ? reply.Failure : Encoding.UTF8.GetString(reply.Line))}");
    }
}
