using Hearth.Core.Simulation;

namespace Hearth.Core.Tests;

/// <summary>The simulator with locks, licenses and per-host globals.</summary>
public sealed class FarmSimulatorTests
{
    [Fact]
    public void ALockedHostKeepsItsWorkButTakesNoNewWorkUntilUnlocked()
    {
        const string scenario = """
            {"hosts": [{"name": "h1", "resources": "host.processors=2"}, {"name": "h2", "resources": "host.processors=1"}],
             "events": [{"submit": {"id": "a"}},
                        {"lock": "h1"},
                        {"submit": {"id": "b"}},
                        {"submit": {"id": "c"}},
                        {"unlock": "h1"}]}
            """;

        Assert.Equal(
            [
                """{"event": "dispatch", "id": "a", "host": "h2", "allocations": {"host.processors": 1}}""",
                """{"event": "dispatch", "id": "b", "host": "h1", "allocations": {"host.processors": 1}}""",
                """{"event": "dispatch", "id": "c", "host": "h1", "allocations": {"host.processors": 1}}""",
                """{"event": "end", "pending": [], "running": {"a": {"host": "h2", "allocations": {"host.processors": 1}}, "b": {"host": "h1", "allocations": {"host.processors": 1}}, "c": {"host": "h1", "allocations": {"host.processors": 1}}}}""",
            ],
            Run(scenario));
    }

    [Fact]
    public void APerHostGlobalIsTakenOncePerHost()
    {
        const string scenario = """
            {"hosts": [{"name": "h1", "resources": "host.processors=2"}, {"name": "h2", "resources": "host.processors=2"}],
             "global": "global_host.mtx=1",
             "events": [{"submit": {"id": "a", "reservations": "global_host.mtx=1"}},
                        {"submit": {"id": "b", "reservations": "global_host.mtx=1"}},
                        {"submit": {"id": "c", "reservations": "global_host.mtx=1"}}]}
            """;

        var lines = Run(scenario);
        Assert.Equal(
            [
                """{"event": "dispatch", "id": "a", "host": "h1", "allocations": {"host.processors": 1, "global_host.mtx": 1}}""",
                """{"event": "dispatch", "id": "b", "host": "h1", "allocations": {"host.processors": 1, "global_host.mtx": 1}}""",
            ],
            lines.Take(2));
        Assert.Contains("\"pending\": [\"c\"]", lines[^1], StringComparison.Ordinal);
    }

    private static List<string> Run(string scenario) => [.. Simulator.Run(Scenario.Parse(scenario)).Select(SimulatorTests.Line)];
}
