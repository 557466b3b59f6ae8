using Hearth.Core.Reservations;
using Hearth.Supervisor.Reservations;
using Hearth.Supervisor.Storage;
using static Hearth.Reservations.Tests.TestCatalog;

namespace Hearth.Reservations.Tests.Supervisor;

public sealed class ReservationBookTests
{
    [Theory]
    [InlineData("exited with code 1 during load, before printing PIPE_INIT_COMPLETE; last output: loading weights | ModuleNotFoundError: No module named 'torch'",
        "ModuleNotFoundError: No module named 'torch'")]
    [InlineData("exited with code 2 during load, before printing PIPE_INIT_COMPLETE; last output: usage: main.py [-h]", "usage: main.py [-h]")]
    [InlineData("exited with code 1 during load, before printing PIPE_INIT_COMPLETE", "exited with code 1 during load, before printing PIPE_INIT_COMPLETE")]
    [InlineData("did not print PIPE_INIT_COMPLETE within the load timeout of 300 s; it was killed; last output: still loading",
        "still loading")]
    public void TheLastLineAnInstancePrintedIsTakenFromItsExitReason(string reason, string line) =>
        Assert.Equal(line, ReservationBook.LastLine(reason));

    [Fact]
    public void CallsCountTowardTheReservationThatCoversThemUntilStoredAndAfter()
    {
        var book = new ReservationBook();
        var record = new ReservationRecord(7, "alice", "acme", "model", "latest_public", null, 1, null, "UTC", T0, 10, 2, 1);
        book.Load([record]);
        var plan = new ReservationPlan([], [new ReservationStatus("7", 1, 1, 0, 0, ReservationState.Ready, "1 warm", HashOf(1), "1.0.0", [HashOf(1)])], null);
        book.Reconciled(book.Definitions(), plan);

        book.CallServed("alice", HashOf(1), "7");
        book.CallServed("alice", HashOf(1), "7");
        book.CallServed("alice", HashOf(1), null);
        book.CallServed("bob", HashOf(1), null);
        book.CallServed("alice", HashOf(2), null);
        Assert.Equal(new Hearth.Protocol.Rest.ReservationCallsView(12, 3), book.View(7, T0)!.Calls);

        var pending = book.PendingCalls();
        Assert.Equal([new ReservationCallCounts(7, 2, 1)], pending);
        book.CallServed("alice", HashOf(1), "7");
        book.Flushed(pending);
        Assert.Equal([new ReservationCallCounts(7, 1, 0)], book.PendingCalls());
        Assert.Equal(new Hearth.Protocol.Rest.ReservationCallsView(13, 3), book.View(7, T0)!.Calls);
    }

    [Fact]
    public void ALoadFailureAndThenALoadShowInTheHealthTheReconcilerSees()
    {
        var book = new ReservationBook();
        var changes = 0;
        book.Changed += () => changes++;
        book.LoadFailed("3", HashOf(1), T0, "exited with code 1 during load, before printing PIPE_INIT_COMPLETE; last output: boom");
        Assert.Equal(new ReservationHealth(HashOf(1), 1, T0, "boom"), book.Health()["3"]);
        book.Loaded("3", HashOf(1));
        Assert.Equal(ReservationHealth.Healthy, book.Health()["3"]);
        Assert.Equal(2, changes);
    }
}
