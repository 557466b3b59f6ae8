using Hearth.Core.Algorithms;
using Hearth.Core.Reservations;
using static Hearth.Reservations.Tests.TestCatalog;

namespace Hearth.Reservations.Tests;

public sealed class ReservationRoutesTests
{
    private static readonly AlgorithmName Model = new("acme", "model");
    private static readonly string V100 = HashOf(1);
    private static readonly string V120 = HashOf(4);

    private readonly ReservationWorld _world = new(Standard(), ("w1", "host.processors=8,host.memory=8192"));

    [Fact]
    public void WhileARollCompletesALatestCallMayUseThePreviousBuildButAPinnedCallMayNot()
    {
        var r = Ready(2);
        _world.Catalog.Push(Model, V120).Publish(Model, V120, "1.2.0", Visibility.Public);
        _world.Reconcile();
        var routes = ReservationRoutes.Of(_world.Reservations, _world.LastPlan!);

        Assert.Equal([V120, V100], routes.Candidates("alice", Model, VersionReferenceKind.LatestPublic, V120));
        Assert.Equal([V120], routes.Candidates("alice", Model, VersionReferenceKind.Exact, V120));
        Assert.Equal([V120], routes.Candidates("alice", Model, VersionReferenceKind.LatestPrivate, V120));
        Assert.Equal([V120], routes.Candidates("bob", Model, VersionReferenceKind.LatestPublic, V120));
        Assert.Equal([V120], routes.Candidates("alice", new AlgorithmName("acme", "other"), VersionReferenceKind.LatestPublic, V120));

        _world.LoadAll();
        _world.Reconcile();
        routes = ReservationRoutes.Of(_world.Reservations, _world.LastPlan!);
        Assert.Equal([V120], routes.Candidates("alice", Model, VersionReferenceKind.LatestPublic, V120));
        Assert.Equal(r.Id, routes.Attribute("alice", V120, r.Id)!.Value.ReservationId);
    }

    [Fact]
    public void APublishTheReservationHasNotSeenYetFallsBackToTheBuildItKeepsWarm()
    {
        Ready(2);
        var routes = ReservationRoutes.Of(_world.Reservations, _world.LastPlan!);
        _world.Catalog.Push(Model, V120).Publish(Model, V120, "1.2.0", Visibility.Public);

        Assert.Equal([V120, V100], routes.Candidates("alice", Model, VersionReferenceKind.LatestPublic, V120));
        Assert.Equal([V100], routes.Candidates("alice", Model, VersionReferenceKind.LatestPublic, V100));
        Assert.Equal([V120], routes.Candidates("alice", Model, VersionReferenceKind.Exact, V120));
        Assert.Equal([V120], routes.Candidates("bob", Model, VersionReferenceKind.LatestPublic, V120));
    }

    [Fact]
    public void ACallServedByTheReservationsInstanceIsWarmAndOneServedByAnotherSpilledOver()
    {
        var r = Ready(1);
        var routes = ReservationRoutes.Of(_world.Reservations, _world.LastPlan!);

        Assert.Equal((r.Id, ReservedCallOutcome.Warm), routes.Attribute("alice", V100, r.Id));
        Assert.Equal((r.Id, ReservedCallOutcome.Spilled), routes.Attribute("alice", V100, null));
        Assert.Null(routes.Attribute("bob", V100, null));
        Assert.Null(routes.Attribute("alice", HashOf(2), null));
        Assert.Null(ReservationRoutes.Empty.Attribute("alice", V100, r.Id));
    }

    private ReservationDefinition Ready(int count)
    {
        var r = _world.Add("alice", "acme/model", "latest_public", count);
        _world.Reconcile();
        _world.LoadAll();
        _world.Reconcile();
        return r;
    }
}
