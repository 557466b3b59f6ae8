using Hearth.Core.Resources;

namespace Hearth.Core.Tests;

/// <summary>Definitions of what a host offers or the cluster holds: plain non-negative counts of one scope.</summary>
public sealed class ResourceTotalsTests
{
    [Theory]
    [InlineData("host.processors=8,host.memory=16000", "host.memory=16000,host.processors=8")]
    [InlineData(" host.processors = 8 , host.gpu=2 ", "host.gpu=2,host.processors=8")]
    [InlineData("host.processors=4,host.gpu=0", "host.gpu=0,host.processors=4")]
    [InlineData("host.processors=0", "host.processors=0")]
    [InlineData("host.processors=2147483647", "host.processors=2147483647")]
    [InlineData("", "")]
    [InlineData("   ", "")]
    [InlineData(null, "")]
    public void HostDefinitionsParseToSortedTotals(string? text, string expected) =>
        Assert.Equal(expected, ResourceTotals.Format(ResourceTotals.Parse(text, ResourceScope.Host)));

    [Theory]
    [InlineData("global.maya=10", "global.maya=10")]
    [InlineData("global.nuke=2, global.maya=10", "global.maya=10,global.nuke=2")]
    [InlineData("global.maya=0", "global.maya=0")]
    public void GlobalDefinitionsParseToSortedTotals(string text, string expected) =>
        Assert.Equal(expected, ResourceTotals.Format(ResourceTotals.Parse(text, ResourceScope.Global)));

    [Theory]
    [InlineData("host.processors=8,global.maya=1", ResourceScope.Host, "item 2 \"global.maya=1\"", "only host.* resources can be defined here")]
    [InlineData("global.maya=1,host.processors=1", ResourceScope.Global, "item 2 \"host.processors=1\"", "only global.*, license.* or global_host.* resources can be defined here")]
    [InlineData("host.processors=-1", ResourceScope.Host, "item 1 \"host.processors=-1\"", "count \"-1\" is not a non-negative integer")]
    [InlineData("host.processors=8+", ResourceScope.Host, "item 1 \"host.processors=8+\"", "count \"8+\" is not a non-negative integer")]
    [InlineData("host.processors=all", ResourceScope.Host, "item 1 \"host.processors=all\"", "count \"all\" is not a non-negative integer")]
    [InlineData("host.processors=2-4", ResourceScope.Host, "item 1 \"host.processors=2-4\"", "is not a non-negative integer")]
    [InlineData("host.processors=a", ResourceScope.Host, "item 1 \"host.processors=a\"", "count \"a\" is not a non-negative integer")]
    [InlineData("host.processors=4.5", ResourceScope.Host, "item 1 \"host.processors=4.5\"", "count \"4.5\" is not a non-negative integer")]
    [InlineData("host.processors=", ResourceScope.Host, "item 1 \"host.processors=\"", "count \"\" is not a non-negative integer")]
    [InlineData("host.processors=99999999999", ResourceScope.Host, "item 1 \"host.processors=99999999999\"", "count \"99999999999\" is too large")]
    [InlineData("host.processors=1,host.processors=2", ResourceScope.Host, "item 2 \"host.processors=2\"", "host.processors is named twice")]
    [InlineData("host.processors=1,", ResourceScope.Host, "item 2", "is empty")]
    [InlineData(",host.processors=1", ResourceScope.Host, "item 1", "is empty")]
    [InlineData("host.processors", ResourceScope.Host, "item 1 \"host.processors\"", "missing '=' between the resource and its count")]
    [InlineData("cpu.x=1", ResourceScope.Host, "item 1 \"cpu.x=1\"", "unknown resource type \"cpu\"")]
    [InlineData("global.=1", ResourceScope.Global, "item 1 \"global.=1\"", "has no name after \"global.\"")]
    public void InvalidDefinitionsNameTheItemAndSayWhy(string text, ResourceScope scope, string item, string why)
    {
        var error = Assert.Throws<ResourceRequestSyntaxException>(() => ResourceTotals.Parse(text, scope));

        Assert.Contains(item, error.Message, StringComparison.Ordinal);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }
}
