using Hearth.Supervisor.Algorithms;
using Hearth.Supervisor.Scheduling;

namespace Hearth.Supervisor.Tests;

/// <summary>A grant opens one build, for one starting instance, until it is ready or gone or its worker's stream ends.</summary>
public sealed class BuildGrantsTests
{
    private static readonly string BuildA = new('a', 40);
    private static readonly string BuildB = new('b', 40);

    [Fact]
    public void AGrantOpensOnlyItsOwnBuild()
    {
        using var session = new WorkerSession("w1");
        var grants = new BuildGrants();
        var grant = grants.Issue(session, "i-1", BuildA);

        Assert.True(grants.Allows(grant, BuildA.ToUpperInvariant()));
        Assert.False(grants.Allows(grant, BuildB));
        Assert.False(grants.Allows(null, BuildA));
        Assert.False(grants.Allows("", BuildA));
    }

    [Fact]
    public void AGrantEndsWhenItsInstanceIsReadyOrGone()
    {
        using var session = new WorkerSession("w1");
        var grants = new BuildGrants();
        var first = grants.Issue(session, "i-1", BuildA);
        var second = grants.Issue(session, "i-2", BuildA);

        grants.Revoke("i-1");

        Assert.False(grants.Allows(first, BuildA));
        Assert.True(grants.Allows(second, BuildA));
    }

    [Fact]
    public void AGrantEndsWithItsWorkersStreamAndOnlyThatOne()
    {
        using var lost = new WorkerSession("w1");
        using var kept = new WorkerSession("w2");
        var grants = new BuildGrants();
        var gone = grants.Issue(lost, "i-1", BuildA);
        var stays = grants.Issue(kept, "i-2", BuildA);

        grants.Revoke(lost);

        Assert.False(grants.Allows(gone, BuildA));
        Assert.True(grants.Allows(stays, BuildA));
    }

    [Fact]
    public void StartingAnInstanceAgainReplacesItsGrant()
    {
        using var session = new WorkerSession("w1");
        var grants = new BuildGrants();
        var old = grants.Issue(session, "i-1", BuildA);
        var renewed = grants.Issue(session, "i-1", BuildA);

        Assert.False(grants.Allows(old, BuildA));
        Assert.True(grants.Allows(renewed, BuildA));
    }
}
