using Hearth.Core.Requirements;
using Hearth.Core.Resources;

namespace Hearth.Core.Tests;

/// <summary>The requirements grammar, row by row: what parses, to what canonical text, what it matches, and where errors point.</summary>
public sealed class RequirementLanguageTests
{
    private static readonly FakeHost Linux = new("render01", "linux", "x86_64", "AMD EPYC 7543", ["gpu", "Render"], "west", new() { ["host.memory"] = (8000, 2000), ["host.gpu"] = (2, 0) });
    private static readonly FakeHost Windows = new("desk7", "windows", "arm64", "", [], "", new() { ["host.memory"] = (16000, 15000) });

    [Theory]
    [InlineData("host.os == \"linux\"", "host.os == \"linux\"", true, false)]
    [InlineData("host.os=='LINUX'", "host.os == \"LINUX\"", true, false)]
    [InlineData("host.os != \"linux\"", "host.os != \"linux\"", false, true)]
    [InlineData("\"gpu\" in host.groups", "\"gpu\" in host.groups", true, false)]
    [InlineData("\"render\" in host.groups", "\"render\" in host.groups", true, false)]
    [InlineData("not \"gpu\" in host.groups", "not \"gpu\" in host.groups", false, true)]
    [InlineData("host.memory.free >= 4000", "host.memory.free >= 4000", true, false)]
    [InlineData("host.memory.free > 6000", "host.memory.free > 6000", false, false)]
    [InlineData("host.memory.total >= 16000", "host.memory.total >= 16000", false, true)]
    [InlineData("host.memory.used < 2001", "host.memory.used < 2001", true, false)]
    [InlineData("host.gpu.free <= 0", "host.gpu.free <= 0", false, true)]
    [InlineData("host.gpu.total == 2", "host.gpu.total == 2", true, false)]
    [InlineData("host.processors.free == -1", "host.processors.free == -1", false, false)]
    [InlineData("host.memory.free >= 4000.5", "host.memory.free >= 4000.5", true, false)]
    [InlineData("host.name == \"desk7\"", "host.name == \"desk7\"", false, true)]
    [InlineData("host.arch == \"arm64\" or host.cluster == \"west\"", "host.arch == \"arm64\" or host.cluster == \"west\"", true, true)]
    [InlineData("host.cpu_model == \"AMD EPYC 7543\"", "host.cpu_model == \"AMD EPYC 7543\"", true, false)]
    [InlineData("host.cluster == \"\"", "host.cluster == \"\"", false, true)]
    [InlineData("host.os == \"linux\" and \"gpu\" in host.groups and host.memory.free >= 4000", "host.os == \"linux\" and \"gpu\" in host.groups and host.memory.free >= 4000", true, false)]
    [InlineData("host.os == \"windows\" or host.os == \"linux\" and host.arch == \"arm64\"", "host.os == \"windows\" or host.os == \"linux\" and host.arch == \"arm64\"", false, true)]
    [InlineData("(host.os == \"windows\" or host.os == \"linux\") and host.arch == \"arm64\"", "(host.os == \"windows\" or host.os == \"linux\") and host.arch == \"arm64\"", false, true)]
    [InlineData("not (host.os == \"linux\" or host.os == \"windows\")", "not (host.os == \"linux\" or host.os == \"windows\")", false, false)]
    [InlineData("((host.os == \"linux\"))", "host.os == \"linux\"", true, false)]
    [InlineData("HOST.OS == \"linux\" AND NOT host.arch == \"arm64\"", "host.os == \"linux\" and not host.arch == \"arm64\"", true, false)]
    [InlineData("host.name == \"say \\\"hi\\\"\"", "host.name == \"say \\\"hi\\\"\"", false, false)]
    [InlineData("3 < 4", "3 < 4", true, true)]
    public void AnExpressionParsesToItsCanonicalTextAndMatchesHosts(string text, string canonical, bool linux, bool windows)
    {
        var requirement = Requirement.Parse(text);

        Assert.Equal(canonical, requirement.Text);
        Assert.Equal(canonical, Requirement.Parse(requirement.Text).Text);
        Assert.Equal(linux, requirement.Matches(Linux));
        Assert.Equal(windows, requirement.Matches(Windows));
    }

    [Theory]
    [InlineData("", 1, "requirements are empty")]
    [InlineData("   ", 1, "requirements are empty")]
    [InlineData("host.os = \"linux\"", 9, "a single = is not a comparison; write ==")]
    [InlineData("host.os == \"linux", 12, "never closed")]
    [InlineData("host.os == ", 12, "found the end")]
    [InlineData("host.os", 8, "expected a comparison")]
    [InlineData("host.os linux", 9, "expected a comparison (==, !=, <, <=, >, >=) or in after host.os, found \"linux\"")]
    [InlineData("host.kernel == \"6\"", 1, "host.kernel is not a property; a resource is read as host.kernel.free")]
    [InlineData("kernel == \"6\"", 1, "unknown name kernel; expected host.name, host.os")]
    [InlineData("host.os == \"linux\" and host.memory >= 4000", 24, "host.memory is not a property; a resource is read as host.memory.free")]
    [InlineData("host.memory.avail >= 1", 1, "unknown name host.memory.avail")]
    [InlineData("farm.gpu.free >= 1", 1, "unknown name farm.gpu.free")]
    [InlineData("host.os == 4", 9, "== compares the text host.os with the number 4")]
    [InlineData("host.memory.free >= \"lots\"", 18, "both sides must be text or both numbers")]
    [InlineData("host.os < \"m\"", 9, "< compares numbers, and host.os is text")]
    [InlineData("host.groups == \"gpu\"", 1, "host.groups is a list")]
    [InlineData("\"gpu\" in host.os", 10, "in needs host.groups on its right, not host.os")]
    [InlineData("4 in host.groups", 1, "in needs a group name (text) on its left")]
    [InlineData("(host.os == \"linux\"", 20, "expected ) to close the ( at column 1, found the end")]
    [InlineData("host.os == \"linux\")", 19, "unexpected \")\" after a complete expression")]
    [InlineData("host.os == \"linux\" host.arch == \"x\"", 20, "unexpected \"host.arch\" after a complete expression")]
    [InlineData("host.os == \"linux\" and", 23, "found the end")]
    [InlineData("and host.os == \"linux\"", 1, "expected a property (such as host.os), a \"text\" or a number, found \"and\"")]
    [InlineData("host.os == \"linux\" && host.arch == \"x\"", 20, "unexpected character '&'")]
    [InlineData("host.os !~ \"linux\"", 9, "! must be followed by =")]
    [InlineData("host.memory.free >= 1.2.3", 21, "1.2.3 is not a number")]
    public void ABadExpressionIsRefusedNamingTheColumn(string text, int column, string message)
    {
        var error = Assert.Throws<RequirementSyntaxException>(() => Requirement.Parse(text));

        Assert.Equal(column, error.Column);
        Assert.StartsWith($"column {column}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeepNestingIsRefusedRatherThanOverflowingTheStack()
    {
        var text = new string('(', 100) + "3 < 4" + new string(')', 100);

        var error = Assert.Throws<RequirementSyntaxException>(() => Requirement.Parse(text));

        Assert.Contains("nests deeper than 64", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "", "", "", null)]
    [InlineData("host.os == \"linux\"", "", "", "", "host.os == \"linux\"")]
    [InlineData(null, "a,b", "", "", "host.name == \"a\" or host.name == \"b\"")]
    [InlineData(null, "", "c", "", "host.name != \"c\"")]
    [InlineData(null, "", "", "g1,g2", "\"g1\" in host.groups or \"g2\" in host.groups")]
    [InlineData("host.os == \"linux\" or host.os == \"mac\"", "a", "c,d", "gpu",
        "(host.os == \"linux\" or host.os == \"mac\") and host.name == \"a\" and host.name != \"c\" and host.name != \"d\" and \"gpu\" in host.groups")]
    public void ShorthandsBecomeRequirements(string? expression, string hosts, string omit, string groups, string? expected)
    {
        static string[] List(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries);

        var composed = RequirementShorthands.Compose(expression, List(hosts), List(omit), List(groups));

        Assert.Equal(expected, composed is null ? null : Requirement.Parse(composed).Text);
    }

    [Theory]
    [InlineData("host.os == \"windows\"", "no up host has host.os == \"windows\"")]
    [InlineData("host.os == \"linux\" and \"gpu\" in host.groups", "no up host has \"gpu\" in host.groups")]
    [InlineData("host.os == \"linux\" and host.memory.free >= 9000", "no up host has host.memory.free >= 9000")]
    [InlineData("host.os == \"linux\" and host.arch == \"arm64\"", "no up host meets all of the requirements host.os == \"linux\" and host.arch == \"arm64\"")]
    [InlineData("host.os == \"linux\"", null)]
    public void TheExplanationNamesTheFirstPartNoHostMeets(string text, string? expected)
    {
        var linuxOnly = new FakeHost("a", "linux", "x86_64", "", [], "", []);
        var armMac = new FakeHost("b", "darwin", "arm64", "", [], "", []);

        Assert.Equal(expected, Requirement.Parse(text).Explain([linuxOnly, armMac]));
    }

    private sealed record FakeHost(
        string Name, string Os, string Arch, string Cpu, string[] Groups, string Cluster, Dictionary<string, (int Total, int Used)> Resources) : IHostFacts
    {
        public string Text(HostProperty which) => which switch
        {
            HostProperty.Name => Name,
            HostProperty.Os => Os,
            HostProperty.Arch => Arch,
            HostProperty.CpuModel => Cpu,
            _ => Cluster,
        };

        public bool InGroup(string group) => Groups.Contains(group, StringComparer.OrdinalIgnoreCase);

        public int Amount(ResourceName resource, ResourceMeasure measure)
        {
            var (total, used) = Resources.GetValueOrDefault(resource.ToString());
            return measure switch
            {
                ResourceMeasure.Free => total - used,
                ResourceMeasure.Total => total,
                _ => used,
            };
        }
    }
}
