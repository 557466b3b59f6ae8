using Hearth.Worker;
using Microsoft.Extensions.Time.Testing;

namespace Hearth.Algorithms.Tests.Worker;

/// <summary>
/// The worker's fencing deadline on a fake clock: it counts from when a message the supervisor confirmed was
/// sent, never from when the confirmation arrived, so it always falls before the supervisor's own expiry.
/// </summary>
public sealed class ContactFenceTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(7.5);

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void NothingIsFencedBeforeASupervisorThatFencesHasAcceptedTheWorker()
    {
        var fence = new ContactFence(_time);
        _time.Advance(TimeSpan.FromHours(1));

        Assert.Null(fence.Remaining());
        Assert.False(fence.Expire());

        fence.Registered(fence.Now(), TimeSpan.Zero, TimeSpan.Zero);
        _time.Advance(TimeSpan.FromHours(1));
        Assert.False(fence.Expire());
    }

    [Fact]
    public void TheDeadlineCountsFromWhenTheConfirmedHeartbeatWasSentNotFromItsConfirmation()
    {
        var fence = new ContactFence(_time);
        fence.Registered(fence.Now(), Timeout, Margin);
        _time.Advance(TimeSpan.FromSeconds(10));
        var heartbeat = fence.NextHeartbeat();
        _time.Advance(TimeSpan.FromSeconds(15));

        fence.Acknowledged(heartbeat);

        Assert.Equal(TimeSpan.FromSeconds(15), fence.Remaining());
        _time.Advance(TimeSpan.FromSeconds(15) - TimeSpan.FromTicks(1));
        Assert.False(fence.Expire());
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.True(fence.Expire());
        Assert.True(fence.Expired);
        Assert.False(fence.Expire());
    }

    [Fact]
    public void AnUnknownOrLateConfirmationNeverMovesTheDeadlineBack()
    {
        var fence = new ContactFence(_time);
        var early = fence.NextHeartbeat();
        _time.Advance(TimeSpan.FromSeconds(5));
        fence.Registered(fence.Now(), Timeout, Margin);

        fence.Acknowledged(early);
        fence.Acknowledged(12345);

        Assert.Equal(Timeout, fence.Remaining());
    }

    [Fact]
    public async Task ARegistrationAfterExpiryEndsItAndWakesTheWatcher()
    {
        var fence = new ContactFence(_time);
        fence.Registered(fence.Now(), Timeout, Margin);
        _time.Advance(Timeout);
        Assert.True(fence.Expire());
        var changed = fence.Changed;
        Assert.Null(fence.Remaining());

        fence.Registered(fence.Now(), Timeout, Margin);

        await changed.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.False(fence.Expired);
        Assert.Equal(Timeout, fence.Remaining());
    }
}
