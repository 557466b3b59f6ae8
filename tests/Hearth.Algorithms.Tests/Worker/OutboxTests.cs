using System.Text;
using Hearth.Protocol.Workers;
using Hearth.Worker;

namespace Hearth.Algorithms.Tests.Worker;

/// <summary>The worker's outbox with no connection draining it: output is bounded, control messages are not.</summary>
public sealed class OutboxTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly RecordingLogger _log = new();

    private static WorkerMessage Exited(string id) => new() { Exited = new ProcessExited { AssignmentId = id, ExitCode = 0 } };

    private static WorkerMessage Started(string id) => new() { Started = new ProcessStarted { AssignmentId = id, Pid = 1 } };

    private static byte[] Chunk(string id, int index, int bytes) => Encoding.UTF8.GetBytes($"{id}:{index:D2}:".PadRight(bytes, '.'));

    /// <summary>What a connection would send, one line per message: control messages by kind, output as its text.</summary>
    private static List<string> Drain(Outbox outbox)
    {
        var sent = new List<string>();
        while (outbox.TryPeek(out var message))
        {
            sent.Add(message.BodyCase switch
            {
                WorkerMessage.BodyOneofCase.Log => $"{message.Log.AssignmentId} {message.Log.Stream} {message.Log.Data.ToStringUtf8().TrimEnd('.', '\n')}",
                WorkerMessage.BodyOneofCase.Started => $"started {message.Started.AssignmentId}",
                WorkerMessage.BodyOneofCase.Exited => $"exited {message.Exited.AssignmentId}",
                _ => message.BodyCase.ToString(),
            });
            outbox.Advance(message);
        }

        return sent;
    }

    [Fact]
    public void OutputPastTheLimitDropsTheSubjobsOldestChunksAndOneMarkerTakesTheirPlace()
    {
        var outbox = new Outbox(100, _log);
        outbox.Post(Started("j1"));
        for (var i = 0; i < 10; i++)
        {
            outbox.PostOutput("j1", OutputStream.Stdout, Chunk("j1", i, 30));
            Assert.True(outbox.PendingOutputBytes <= 100, $"{outbox.PendingOutputBytes} bytes pending after chunk {i}");
        }

        outbox.Post(Exited("j1"));
        Assert.Equal(210, outbox.DroppedOutputBytes);
        Assert.Equal(90, outbox.PendingOutputBytes);

        Assert.Equal(
            [
                "started j1",
                "j1 Stderr [hearth: 210 bytes of output dropped while waiting for the supervisor]",
                "j1 Stdout j1:07:",
                "j1 Stdout j1:08:",
                "j1 Stdout j1:09:",
                "exited j1",
            ],
            Drain(outbox));
        Assert.Equal(0, outbox.PendingOutputBytes);
        Assert.Equal(
            [
                "Output waiting for the supervisor passed 100 bytes: dropping the oldest pending output of subjob attempt j1",
                "Dropped 210 bytes of subjob attempt j1's output while waiting for the supervisor; its log marks the gap",
            ],
            _log.Lines);
    }

    [Fact]
    public void AQuietSubjobKeepsItsOutputWhenANoisyOneFillsTheOutbox()
    {
        var outbox = new Outbox(1000, _log);
        outbox.PostOutput("quiet", OutputStream.Stderr, Chunk("quiet", 0, 50));
        for (var i = 0; i < 40; i++)
        {
            outbox.PostOutput("noisy", OutputStream.Stdout, Chunk("noisy", i, 100));
        }

        outbox.PostOutput("quiet", OutputStream.Stderr, Chunk("quiet", 1, 50));
        outbox.Post(Exited("quiet"));
        var sent = Drain(outbox);
        Assert.Equal(
            [
                "quiet Stderr quiet:00:",
                "noisy Stderr [hearth: 3100 bytes of output dropped while waiting for the supervisor]",
                "noisy Stdout noisy:31:",
            ],
            sent[..3]);
        Assert.Equal(["noisy Stdout noisy:39:", "quiet Stderr quiet:01:", "exited quiet"], sent[^3..]);
        Assert.Equal(3 + 8 + 2, sent.Count);
    }

    [Fact]
    public void ControlMessagesAreNeverDroppedHoweverMuchOutputPilesUp()
    {
        var outbox = new Outbox(64, _log);
        for (var i = 0; i < 500; i++)
        {
            outbox.Post(Started($"j{i}"));
            outbox.PostOutput($"j{i}", OutputStream.Stdout, new byte[1000]);
            outbox.Post(Exited($"j{i}"));
        }

        var sent = Drain(outbox);
        Assert.Equal(Enumerable.Range(0, 500).SelectMany(i => new[] { $"started j{i}", $"exited j{i}" }), sent.Where(s => !s.Contains(" Std", StringComparison.Ordinal)));
        Assert.Equal(500 * 1000, outbox.DroppedOutputBytes);
    }

    [Fact]
    public void DroppedChunksDoNotKeepTheirPlacesInTheQueueDuringALongOutage()
    {
        var outbox = new Outbox(1000, _log);
        outbox.Post(Started("j1"));
        var most = 0;
        for (var i = 0; i < 100_000; i++)
        {
            outbox.PostOutput("j1", OutputStream.Stdout, Chunk("j1", i % 100, 100));
            most = Math.Max(most, outbox.QueuedSlots);
        }

        // Ten chunks fit under the limit, plus the control message and the gap's marker: live slots stay at twelve,
        // and dropped ones never outnumber them for long.
        Assert.True(most <= 2 * 12 + 1, $"{most} slots queued at most");
        outbox.Post(Exited("j1"));
        var sent = Drain(outbox);
        Assert.Equal(
            ["started j1", "j1 Stderr [hearth: 9999000 bytes of output dropped while waiting for the supervisor]", "j1 Stdout j1:90:"],
            sent[..3]);
        Assert.Equal(["j1 Stdout j1:99:", "exited j1"], sent[^2..]);
        Assert.Equal(13, sent.Count);
        Assert.Equal(0, outbox.QueuedSlots);
    }

    [Fact]
    public void TheMessageBeingWrittenIsNeverDroppedAndAGapAfterASentMarkerGetsItsOwn()
    {
        var outbox = new Outbox(100, _log);
        outbox.PostOutput("j1", OutputStream.Stdout, Chunk("j1", 0, 60));
        Assert.True(outbox.TryPeek(out var writing));
        outbox.PostOutput("j1", OutputStream.Stdout, Chunk("j1", 1, 60));
        outbox.PostOutput("j1", OutputStream.Stdout, Chunk("j1", 2, 30));

        // The write failed (the connection broke): the same message is first again, whole.
        Assert.True(outbox.TryPeek(out var again));
        Assert.Same(writing, again);
        outbox.Advance(again);

        Assert.True(outbox.TryPeek(out var marker));
        Assert.Equal("[hearth: 60 bytes of output dropped while waiting for the supervisor]\n", marker.Log.Data.ToStringUtf8());
        outbox.PostOutput("j1", OutputStream.Stdout, Chunk("j1", 3, 90));
        outbox.Advance(marker);
        Assert.Equal(
            [
                "j1 Stderr [hearth: 30 bytes of output dropped while waiting for the supervisor]",
                "j1 Stdout j1:03:",
            ],
            Drain(outbox));
        Assert.Equal(90, outbox.DroppedOutputBytes);
    }

    [Fact]
    public async Task AWaitingSenderWakesWhenAMessageIsPostedAndStopsWithItsConnection()
    {
        var outbox = new Outbox(100, _log);
        var waiting = outbox.WaitToReadAsync(TestContext.Current.CancellationToken);
        Assert.False(waiting.IsCompleted);
        outbox.Post(Started("j1"));
        Assert.True(await waiting.WaitAsync(Bound, TestContext.Current.CancellationToken));
        Assert.Equal(["started j1"], Drain(outbox));

        using var connection = new CancellationTokenSource();
        var idle = outbox.WaitToReadAsync(connection.Token);
        await connection.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => idle.WaitAsync(Bound, TestContext.Current.CancellationToken));
    }
}
