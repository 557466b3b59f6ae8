using System.Globalization;
using Hearth.Core.Placement;
using Hearth.Core.Simulation;

namespace Hearth.Core.Tests;

/// <summary>
/// Scenarios through the simulator. Each output record is written as the JSON line <c>hearth simulate</c>
/// prints for it, in the SPEC's own spelling, so expectations read like the specification.
/// </summary>
public sealed class SimulatorTests
{
    [Fact]
    public void TheSpecificationsExampleScenarioGivesItsDocumentedLines()
    {
        const string scenario = """
            {"hosts": [{"name": "h1", "resources": "host.processors=8,host.memory=16000"}],
             "global": "global.maya=2",
             "events": [{"submit": {"id": "a", "reservations": "host.processors=2+", "priority": 10}},
                        {"finish": "a"}]}
            """;

        Assert.Equal(
            [
                """{"event": "dispatch", "id": "a", "host": "h1", "allocations": {"host.processors": 8}}""",
                """{"event": "release", "id": "a", "host": "h1"}""",
                """{"event": "end", "pending": [], "running": {}}""",
            ],
            Run(scenario));
    }

    [Fact]
    public void GrowthIsPrintedWithTheNewTotalsAndTheEndShowsWhatStillRuns()
    {
        const string scenario = """
            {"hosts": [{"name": "h1", "resources": "host.processors=8"}, {"name": "h2", "resources": "host.processors=2"}],
             "global": "global.maya=1",
             "events": [{"submit": {"id": "b", "reservations": "host.processors=5"}},
                        {"submit": {"id": "r", "reservations": "host.processors=2-8", "priority": 3}},
                        {"submit": {"id": "m1", "reservations": "global.maya=1"}},
                        {"submit": {"id": "m2", "reservations": "global.maya=1", "priority": 1}},
                        {"finish": "b"}]}
            """;

        Assert.Equal(
            [
                """{"event": "dispatch", "id": "b", "host": "h1", "allocations": {"host.processors": 5}}""",
                """{"event": "dispatch", "id": "r", "host": "h1", "allocations": {"host.processors": 3}}""",
                """{"event": "dispatch", "id": "m1", "host": "h2", "allocations": {"host.processors": 1, "global.maya": 1}}""",
                """{"event": "release", "id": "b", "host": "h1"}""",
                """{"event": "grow", "id": "r", "host": "h1", "allocations": {"host.processors": 8}}""",
                """{"event": "end", "pending": ["m2"], "running": {"r": {"host": "h1", "allocations": {"host.processors": 8}}, "m1": {"host": "h2", "allocations": {"host.processors": 1, "global.maya": 1}}}}""",
            ],
            Run(scenario));
    }

    [Fact]
    public void ABadReservationIsRejectedAndTheSimulationGoesOn()
    {
        const string scenario = """
            {"hosts": [{"name": "h1", "resources": "host.processors=4"}],
             "events": [{"submit": {"id": "zero", "reservations": "host.processors=0"}},
                        {"submit": {"id": "twice", "reservations": "host.processors=1, host.processors=2"}},
                        {"submit": {"id": "license", "reservations": "global.maya=1"}},
                        {"submit": {"id": "ok", "reservations": "host.processors=4"}},
                        {"submit": {"id": "ok", "reservations": "host.processors=1"}},
                        {"finish": "ok"}]}
            """;

        Assert.Equal(
            [
                """{"event": "rejected", "id": "zero", "error": "item 1 \"host.processors=0\": quantity \"0\" is zero; counts are positive integers"}""",
                """{"event": "rejected", "id": "twice", "error": "item 2 \"host.processors=2\": resource host.processors is named twice (first in item 1)"}""",
                """{"event": "rejected", "id": "license", "error": "item \"global.maya=1\": unknown global resource global.maya; the cluster defines none by that name"}""",
                """{"event": "dispatch", "id": "ok", "host": "h1", "allocations": {"host.processors": 4}}""",
                """{"event": "rejected", "id": "ok", "error": "work ok is already queued or running"}""",
                """{"event": "release", "id": "ok", "host": "h1"}""",
                """{"event": "end", "pending": [], "running": {}}""",
            ],
            Run(scenario));
    }

    [Fact]
    public void FinishingPendingWorkWithdrawsItAndUnknownOrRejectedIdsAreIgnored()
    {
        const string scenario = """
            {"hosts": [{"name": "h1", "resources": "host.processors=1"}],
             "events": [{"submit": {"id": "a"}},
                        {"submit": {"id": "b", "reservations": null}},
                        {"submit": {"id": "c"}},
                        {"submit": {"id": "bad", "reservations": "host.processors=a"}},
                        {"finish": "b"},
                        {"finish": "nobody"},
                        {"finish": "bad"},
                        {"finish": "a"}]}
            """;

        Assert.Equal(
            [
                """{"event": "dispatch", "id": "a", "host": "h1", "allocations": {"host.processors": 1}}""",
                """{"event": "rejected", "id": "bad", "error": "item 1 \"host.processors=a\": quantity \"a\" is not an integer"}""",
                """{"event": "release", "id": "a", "host": "h1"}""",
                """{"event": "dispatch", "id": "c", "host": "h1", "allocations": {"host.processors": 1}}""",
                """{"event": "end", "pending": [], "running": {"c": {"host": "h1", "allocations": {"host.processors": 1}}}}""",
            ],
            Run(scenario));
    }

    [Fact]
    public void ALostHostReleasesItsWorkWhichRunsAgainElsewhere()
    {
        const string scenario = """
            {"hosts": [{"name": "h1", "resources": "host.processors=4"}, {"name": "h2", "resources": "host.processors=4"}],
             "events": [{"submit": {"id": "a", "reservations": "host.processors=3"}},
                        {"submit": {"id": "b", "reservations": "host.processors=2"}},
                        {"host_down": "h1"},
                        {"finish": "b"},
                        {"host_up": "h1"},
                        {"submit": {"id": "c", "reservations": "host.processors=all"}}]}
            """;

        Assert.Equal(
            [
                """{"event": "dispatch", "id": "a", "host": "h1", "allocations": {"host.processors": 3}}""",
                """{"event": "dispatch", "id": "b", "host": "h2", "allocations": {"host.processors": 2}}""",
                """{"event": "release", "id": "a", "host": "h1"}""",
                """{"event": "release", "id": "b", "host": "h2"}""",
                """{"event": "dispatch", "id": "a", "host": "h2", "allocations": {"host.processors": 3}}""",
                """{"event": "dispatch", "id": "c", "host": "h1", "allocations": {"host.processors": 4}}""",
                """{"event": "end", "pending": [], "running": {"a": {"host": "h2", "allocations": {"host.processors": 3}}, "c": {"host": "h1", "allocations": {"host.processors": 4}}}}""",
            ],
            Run(scenario));
    }

    [Fact]
    public void TheSameScenarioAlwaysGivesTheSameOutput()
    {
        var events = new List<string>();
        for (var i = 0; i < 200; i++)
        {
            var spec = (i % 6) switch
            {
                0 => "host.processors=2",
                1 => "host.processors=1+",
                2 => "host.processors=1-6",
                3 => "host.processors=all",
                4 => "host.processors=1,global.maya=1",
                _ => "host.memory=500-3000",
            };
            events.Add(string.Create(CultureInfo.InvariantCulture, $$$"""{"submit": {"id": "j{{{i}}}", "reservations": "{{{spec}}}", "priority": {{{1 + (i * 7 % 5)}}}}}"""));
            events.Add(i % 4 != 0 ? string.Create(CultureInfo.InvariantCulture, $$"""{"finish": "j{{i * 7 % (i + 1)}}"}""") : """{"host_up": "h2"}""");
            if (i % 50 == 49)
            {
                events.Add("""{"host_down": "h2"}""");
            }
        }

        var scenario = $$"""
            {"hosts": [{"name": "h1", "resources": "host.processors=8,host.memory=4000"},
                       {"name": "h2", "resources": "host.processors=4,host.memory=8000"},
                       {"name": "h3", "resources": "host.processors=16,host.memory=2000"}],
             "global": "global.maya=2",
             "events": [{{string.Join(",\n", events)}}]}
            """;

        var first = Run(scenario);
        var second = Run(scenario);

        Assert.Equal(first, second);
        Assert.Contains(first, line => line.StartsWith("""{"event": "grow", """, StringComparison.Ordinal));
        Assert.Contains(first, line => line.StartsWith("""{"event": "release", """, StringComparison.Ordinal));
        Assert.StartsWith("""{"event": "end", """, first[^1], StringComparison.Ordinal);
    }

    private static List<string> Run(string scenario) => [.. Simulator.Run(Scenario.Parse(scenario)).Select(Line)];

    /// <summary>The JSON line of one record, with the SPEC's <c>", "</c> and <c>": "</c> separators.</summary>
    internal static string Line(SimulationOutput output) => output switch
    {
        DispatchOutput d => $$"""{"event": "dispatch", "id": {{Quote(d.Id)}}, "host": {{Quote(d.Host)}}, "allocations": {{Amounts(d.Allocations)}}}""",
        GrowOutput g => $$"""{"event": "grow", "id": {{Quote(g.Id)}}, "host": {{Quote(g.Host)}}, "allocations": {{Amounts(g.Allocations)}}}""",
        ReleaseOutput r => $$"""{"event": "release", "id": {{Quote(r.Id)}}, "host": {{Quote(r.Host)}}}""",
        RejectedOutput r => $$"""{"event": "rejected", "id": {{Quote(r.Id)}}, "error": {{Quote(r.Error)}}}""",
        EndOutput e => $$$"""{"event": "end", "pending": [{{{string.Join(", ", e.Pending.Select(Quote))}}}], "running": {{{{string.Join(", ", e.Running.Select(Running))}}}}{{{Quota(e)}}}}""",
        _ => throw new InvalidOperationException(output.GetType().Name),
    };

    private static string Quota(EndOutput end) =>
        end.Quota.Count == 0 ? "" : ", \"quota\": {" + string.Join(", ", end.Quota.Select(kv => $"{Quote(kv.Key)}: {Quote(kv.Value)}")) + "}";

    private static string Running(RunningWork work) =>
        $$"""{{Quote(work.Id)}}: {"host": {{Quote(work.Host)}}, "allocations": {{Amounts(work.Allocation)}}}""";

    private static string Amounts(Allocation allocation) =>
        "{" + string.Join(", ", allocation.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{Quote(kv.Key.ToString())}: {kv.Value}"))) + "}";

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
