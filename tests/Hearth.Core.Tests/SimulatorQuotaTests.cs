using Hearth.Core.Simulation;

namespace Hearth.Core.Tests;

/// <summary>Scenarios with accounts: their quotas hold their work back, and the end line says why.</summary>
public sealed class SimulatorQuotaTests
{
    [Fact]
    public void AnAccountsQuotaHoldsItsWorkBackAndTheEndLineNamesTheQuota()
    {
        const string scenario = """
            {"hosts": [{"name": "h1", "resources": "host.processors=8"}],
             "accounts": [{"name": "acme", "max_slots": 3}, {"name": "alice", "max_slots": 2, "organizations": ["acme"]}, {"name": "bob", "organizations": ["acme"]}],
             "events": [{"submit": {"id": "a1", "reservations": "host.processors=1", "account": "alice"}},
                        {"submit": {"id": "a2", "reservations": "host.processors=1", "account": "alice"}},
                        {"submit": {"id": "a3", "reservations": "host.processors=1", "account": "alice"}},
                        {"submit": {"id": "b1", "reservations": "host.processors=2+", "account": "bob"}},
                        {"submit": {"id": "c1", "reservations": "host.processors=1", "account": "carol"}}]}
            """;

        Assert.Equal(
            [
                """{"event": "dispatch", "id": "a1", "host": "h1", "allocations": {"host.processors": 1}}""",
                """{"event": "dispatch", "id": "a2", "host": "h1", "allocations": {"host.processors": 1}}""",
                """{"event": "dispatch", "id": "c1", "host": "h1", "allocations": {"host.processors": 1}}""",
                """{"event": "end", "pending": ["a3", "b1"], "running": {"a1": {"host": "h1", "allocations": {"host.processors": 1}}, "a2": {"host": "h1", "allocations": {"host.processors": 1}}, "c1": {"host": "h1", "allocations": {"host.processors": 1}}}, "quota": {"a3": "quota: alice holds 2 of its 2 slots (max-slots)", "b1": "quota: acme, bob's organization, holds 2 of its 3 slots (max-slots)"}}""",
            ],
            [.. Simulator.Run(Scenario.Parse(scenario)).Select(SimulatorTests.Line)]);
    }

    [Theory]
    [InlineData("""{"name": "alice", "max_slots": -2}""", "$.accounts[0].max_slots: -2 is not a limit: give -1 for no limit, or a count of 0 or more")]
    [InlineData("""{"name": "alice", "max_instances": 1.5}""", "$.accounts[0].max_instances: 1.5 is not a limit: give -1 for no limit, or a count of 0 or more")]
    [InlineData("""{"name": "alice", "shares": 1}""", "$.accounts[0].shares: unknown field (expected name, max_slots, max_instances, organizations)")]
    public void AnAccountWithABadLimitIsRefusedNamingTheField(string account, string message)
    {
        var json = $$"""{"hosts": [{"name": "h1", "resources": "host.processors=8"}], "accounts": [{{account}}]}""";
        Assert.Equal(message, Assert.Throws<ScenarioException>(() => Scenario.Parse(json)).Message);
    }
}
