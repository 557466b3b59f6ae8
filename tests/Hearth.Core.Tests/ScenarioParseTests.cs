using Hearth.Core.Resources;
using Hearth.Core.Simulation;

namespace Hearth.Core.Tests;

/// <summary>Reading scenario files: every error carries its location, a line and column or a <c>$.path</c>.</summary>
public sealed class ScenarioParseTests
{
    private const string Host = """{"name": "h1", "resources": "host.processors=8"}""";

    [Theory]
    [InlineData("{", "line 1, column 2: invalid JSON: ")]
    [InlineData("", "line 1, column 1: invalid JSON: ")]
    [InlineData("{\"hosts\": [] } x", "line 1, column 16: invalid JSON: 'x' is invalid after a single JSON value")]
    [InlineData("{\"hosts\": [\n  {\"name\": 'h1'}]}", "line 2, column 12: invalid JSON: ''' is an invalid start of a value")]
    [InlineData("{\"hosts\": [{\"name\": \"h1\", \"resources\": \"host.processors=8\"}],\n \"events\": [\n  {\"submit\": {\"id\": \"a\",}}]}", "line 3, column 25: invalid JSON: The JSON object contains a trailing comma")]
    [InlineData("{\"hosts\": [{\"name\": \"hôte\", x}]}", "line 1, column 29: invalid JSON: ")]
    [InlineData("{\"hosts\": [],\n \"global\": \"日本\" x}", "line 2, column 17: invalid JSON: ")]
    public void InvalidJsonIsReportedByLineAndColumn(string json, string message)
    {
        var error = Assert.Throws<ScenarioException>(() => Scenario.Parse(json));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("BytePositionInLine", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]", "$: expected an object, found an array")]
    [InlineData("{}", "$.hosts: missing; a scenario needs at least one host")]
    [InlineData("{\"hosts\": {}}", "$.hosts: expected an array, found an object")]
    [InlineData("{\"hosts\": [" + Host + "], \"workers\": 2}", "$.workers: unknown field (expected hosts, global, accounts, events)")]
    [InlineData("{\"hosts\": [\"h1\"]}", "$.hosts[0]: expected an object, found a string")]
    [InlineData("{\"hosts\": [{\"resources\": \"host.processors=1\"}]}", "$.hosts[0].name: missing")]
    [InlineData("{\"hosts\": [" + Host + ", {\"resources\": \"host.processors=1\"}]}", "$.hosts[1].name: missing")]
    [InlineData("{\"hosts\": [{\"name\": 7, \"resources\": \"host.processors=1\"}]}", "$.hosts[0].name: expected a string, found a number")]
    [InlineData("{\"hosts\": [{\"name\": \"\", \"resources\": \"host.processors=1\"}]}", "$.hosts[0].name: must not be empty")]
    [InlineData("{\"hosts\": [" + Host + ", " + Host + "]}", "$.hosts[1].name: host \"h1\" is listed twice")]
    [InlineData("{\"hosts\": [{\"name\": \"h1\"}]}", "$.hosts[0].resources: missing")]
    [InlineData("{\"hosts\": [{\"name\": \"h1\", \"resources\": 8}]}", "$.hosts[0].resources: expected a string, found a number")]
    [InlineData("{\"hosts\": [{\"name\": \"h1\", \"resources\": \"host.processors=a\"}]}", "$.hosts[0].resources: item 1 \"host.processors=a\": count \"a\" is not a non-negative integer")]
    [InlineData("{\"hosts\": [{\"name\": \"h1\", \"resources\": \"host.memory=100\"}]}", "$.hosts[0].resources: host \"h1\" must define host.processors")]
    [InlineData("{\"hosts\": [{\"name\": \"h1\", \"resources\": \"host.processors=1\", \"cpus\": 2}]}", "$.hosts[0].cpus: unknown field (expected name, resources, os, arch, cpu_model, groups, cluster)")]
    [InlineData("{\"hosts\": [" + Host + "], \"global\": 2}", "$.global: expected a string, found a number")]
    [InlineData("{\"hosts\": [" + Host + "], \"global\": \"host.processors=1\"}", "$.global: item 1 \"host.processors=1\": only global.*, license.* or global_host.* resources can be defined here")]
    [InlineData("{\"hosts\": [" + Host + "], \"global\": \"global.maya=1,global.maya=2\"}", "$.global: item 2 \"global.maya=2\": resource global.maya is named twice")]
    [InlineData("{\"hosts\": [" + Host + "], \"events\": {}}", "$.events: expected an array, found an object")]
    [InlineData("{\"hosts\": [" + Host + "], \"events\": [\"finish a\"]}", "$.events[0]: expected an object, found a string")]
    [InlineData("{\"hosts\": [" + Host + "], \"events\": [{}]}", "$.events[0]: an event has exactly one of submit, finish, host_down, host_up, lock or unlock")]
    [InlineData("{\"hosts\": [" + Host + "], \"events\": [{\"finish\": \"a\", \"host_up\": \"h1\"}]}", "$.events[0]: an event has exactly one of submit, finish, host_down, host_up, lock or unlock")]
    [InlineData("{\"hosts\": [" + Host + "], \"events\": [{\"finish\": \"a\"}, {\"kill\": \"a\"}]}", "$.events[1].kill: unknown event \"kill\" (expected submit, finish, host_down, host_up, lock or unlock)")]
    [InlineData("{\"hosts\": [" + Host + "], \"events\": [{\"host_down\": \"nowhere\"}]}", "$.events[0].host_down: unknown host \"nowhere\"")]
    [InlineData("{\"hosts\": [" + Host + "], \"events\": [{\"host_up\": \"h2\"}]}", "$.events[0].host_up: unknown host \"h2\"")]
    [InlineData("{\"hosts\": [" + Host + "], \"events\": [{\"submit\": \"a\"}]}", "$.events[0].submit: expected an object, found a string")]
    [InlineData("{\"hosts\": [" + Host + "], \"events\": [{\"submit\": {}}]}", "$.events[0].submit.id: missing")]
    [InlineData("{\"hosts\": [" + Host + "], \"events\": [{\"submit\": {\"id\": 1}}]}", "$.events[0].submit.id: expected a string, found a number")]
    [InlineData("{\"hosts\": [" + Host + "], \"events\": [{\"submit\": {\"id\": \"a\", \"reservations\": 2}}]}", "$.events[0].submit.reservations: expected a string, found a number")]
    [InlineData("{\"hosts\": [" + Host + "], \"events\": [{\"submit\": {\"id\": \"a\", \"reservations\": [\"host.processors=1\"]}}]}", "$.events[0].submit.reservations: expected a string, found an array")]
    [InlineData("{\"hosts\": [" + Host + "], \"events\": [{\"submit\": {\"id\": \"a\", \"cpus\": 2}}]}", "$.events[0].submit.cpus: unknown field (expected id, reservations, priority, requirements, account)")]
    [InlineData("{\"hosts\": [" + Host + "], \"events\": [{\"submit\": {\"id\": \"a\", \"priority\": 0}}]}", "$.events[0].submit.priority: 0 is not an integer from 1 (highest) to 9999 (lowest)")]
    [InlineData("{\"hosts\": [" + Host + "], \"events\": [{\"submit\": {\"id\": \"a\", \"priority\": 10000}}]}", "$.events[0].submit.priority: 10000 is not an integer from 1 (highest) to 9999 (lowest)")]
    [InlineData("{\"hosts\": [" + Host + "], \"events\": [{\"submit\": {\"id\": \"a\", \"priority\": -1}}]}", "$.events[0].submit.priority: -1 is not an integer")]
    [InlineData("{\"hosts\": [" + Host + "], \"events\": [{\"submit\": {\"id\": \"a\", \"priority\": 1.5}}]}", "$.events[0].submit.priority: 1.5 is not an integer")]
    [InlineData("{\"hosts\": [" + Host + "], \"events\": [{\"submit\": {\"id\": \"a\", \"priority\": \"5\"}}]}", "$.events[0].submit.priority: \"5\" is not an integer")]
    [InlineData("{\"hosts\": [" + Host + "], \"events\": [{\"submit\": {\"id\": \"a\", \"priority\": 99999999999}}]}", "$.events[0].submit.priority: 99999999999 is not an integer")]
    [InlineData("{\"hosts\": [" + Host + "], \"events\": [{\"finish\": 3}]}", "$.events[0].finish: expected a string, found a number")]
    [InlineData("{\"hosts\": [" + Host + "], \"events\": [{\"host_down\": \"\"}]}", "$.events[0].host_down: must not be empty")]
    [InlineData("{\"hosts\": [" + Host + "], \"events\": [{\"host_up\": null}]}", "$.events[0].host_up: expected a string, found null")]
    public void StructuralErrorsNameTheirPath(string json, string message)
    {
        var error = Assert.Throws<ScenarioException>(() => Scenario.Parse(json));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AValidScenarioReadsEveryEventWithItsDefaults()
    {
        var scenario = Scenario.Parse("""
            {
              // comments are allowed
              "hosts": [{"name": "h1", "resources": " host.processors=8 , host.memory=16000"}, {"name": "h2", "resources": "host.processors=0"}],
              "global": "global.maya=2",
              "events": [
                {"submit": {"id": "a", "reservations": "host.processors=2+", "priority": 10}},
                {"submit": {"id": "b"}},
                {"submit": {"id": "c", "reservations": null, "priority": 1}},
                {"submit": {"id": "d", "reservations": "host.processors=0", "priority": 9999}},
                {"finish": "a"},
                {"host_down": "h1"},
                {"host_up": "h1"}
              ]
            }
            """);

        Assert.Equal(["h1", "h2"], scenario.Hosts.Select(h => h.Name));
        Assert.Equal("host.memory=16000,host.processors=8", ResourceTotals.Format(scenario.Hosts[0].Resources));
        Assert.Equal("global.maya=2", ResourceTotals.Format(scenario.Global));
        Assert.Equal(
            [
                new SubmitEvent("a", "host.processors=2+", 10),
                new SubmitEvent("b", null, 9999),
                new SubmitEvent("c", null, 1),
                new SubmitEvent("d", "host.processors=0", 9999),
                new FinishEvent("a"),
                new HostDownEvent("h1"),
                new HostUpEvent("h1"),
            ],
            scenario.Events);
    }

    [Fact]
    public void AScenarioWithoutGlobalsOrEventsIsEmptyButValid()
    {
        var scenario = Scenario.Parse("{\"hosts\": [" + Host + "], \"global\": null}");

        Assert.Empty(scenario.Global);
        Assert.Empty(scenario.Events);
        var end = Assert.IsType<EndOutput>(Assert.Single(Simulator.Run(scenario)));
        Assert.Empty(end.Pending);
        Assert.Empty(end.Running);
    }
}
