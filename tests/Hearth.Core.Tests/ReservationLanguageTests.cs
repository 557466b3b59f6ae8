using Hearth.Core.Resources;

namespace Hearth.Core.Tests;

/// <summary>
/// The reservation language row by row: each valid row lists every parsed item as
/// <c>resource mode min max</c> (max <c>-</c> when open); each invalid row names the offending item and the reason.
/// </summary>
public sealed class ReservationLanguageTests
{
    [Theory]
    [InlineData("host.processors=1", "host.processors exact 1 1")]
    [InlineData("host.processors=99", "host.processors exact 99 99")]
    [InlineData("host.processors=007", "host.processors exact 7 7")]
    [InlineData("host.processors=2147483647", "host.processors exact 2147483647 2147483647")]
    [InlineData("host.processors=1+", "host.processors greedy 1 -")]
    [InlineData("host.processors=2+", "host.processors greedy 2 -")]
    [InlineData("host.processors=1*", "host.processors idle 1 -")]
    [InlineData("host.processors=4*", "host.processors idle 4 -")]
    [InlineData("host.processors=all", "host.processors idle 1 -")]
    [InlineData("host.memory=all", "host.memory idle 1 -")]
    [InlineData("host.processors=2-8", "host.processors range 2 8")]
    [InlineData("host.processors=3-3", "host.processors range 3 3")]
    [InlineData("host.memory=512-4096", "host.memory range 512 4096")]
    [InlineData("host.memory=1024", "host.memory exact 1024 1024")]
    [InlineData("host.gpu=2", "host.gpu exact 2 2")]
    [InlineData("host.gpu_big-1=1", "host.gpu_big-1 exact 1 1")]
    [InlineData("host.Processors=2,global.MAYA=1", "host.processors exact 2 2; global.maya exact 1 1")]
    [InlineData("global.maya=1", "global.maya exact 1 1")]
    [InlineData("global.maya=10,global.nuke=2", "global.maya exact 10 10; global.nuke exact 2 2")]
    [InlineData("host.processors=2,host.memory=512", "host.processors exact 2 2; host.memory exact 512 512")]
    [InlineData("host.memory=512,host.processors=2+", "host.memory exact 512 512; host.processors greedy 2 -")]
    [InlineData("host.processors=4,global.maya=2,host.gpu=1-2", "host.processors exact 4 4; global.maya exact 2 2; host.gpu range 1 2")]
    [InlineData(" host.processors=2+ , host.memory=512 ", "host.processors greedy 2 -; host.memory exact 512 512")]
    [InlineData("host.processors = 2-8", "host.processors range 2 8")]
    [InlineData("\thost.processors=all\t,\tglobal.maya=1", "host.processors idle 1 -; global.maya exact 1 1")]
    [InlineData("host.processors=1*,host.memory=all,host.gpu=1+", "host.processors idle 1 -; host.memory idle 1 -; host.gpu greedy 1 -")]
    public void ValidReservationsParseToExactItems(string text, string expected)
    {
        var spec = ResourceRequest.Parse(text);

        Assert.Equal(expected, string.Join("; ", spec.Items.Select(Describe)));
    }

    [Theory]
    // naming one resource twice
    [InlineData("host.processors=1,host.processors=2", "item 2 \"host.processors=2\"", "host.processors is named twice (first in item 1)")]
    [InlineData("host.processors=1, host.memory=5,host.processors=2+", "item 3 \"host.processors=2+\"", "named twice (first in item 1)")]
    [InlineData("global.maya=1,global.maya=1", "item 2 \"global.maya=1\"", "global.maya is named twice")]
    [InlineData("host.processors=1,host.Processors=2", "item 2 \"host.Processors=2\"", "host.processors is named twice (first in item 1)")]
    [InlineData("host.memory=1-2, host.memory = all", "item 2 \"host.memory = all\"", "host.memory is named twice")]
    // unknown type, malformed resource names
    [InlineData("cpu.count=1", "item 1 \"cpu.count=1\"", "unknown resource type \"cpu\" (expected host, global, license or global_host)")]
    [InlineData("HOST.processors=1", "item 1 \"HOST.processors=1\"", "unknown resource type \"HOST\"")]
    [InlineData("host.processors=1,licence.maya=1", "item 2 \"licence.maya=1\"", "unknown resource type \"licence\"")]
    [InlineData("processors=1", "item 1 \"processors=1\"", "must be written type.name, with type host, global, license or global_host")]
    [InlineData("=1", "item 1 \"=1\"", "must be written type.name")]
    [InlineData("host.=1", "item 1 \"host.=1\"", "has no name after \"host.\"")]
    [InlineData("host.proc essors=1", "item 1 \"host.proc essors=1\"", "may hold only letters, digits, '_' and '-'")]
    [InlineData("global.maya!=1", "item 1 \"global.maya!=1\"", "may hold only letters, digits")]
    // empty reservation and empty items
    [InlineData("", "reservation is empty", "expected type.name=quantity")]
    [InlineData("   ", "reservation is empty", "expected type.name=quantity")]
    [InlineData(",host.processors=1", "item 1", "is empty")]
    [InlineData("host.processors=1,", "item 2", "is empty")]
    [InlineData("host.processors=1,,host.memory=1", "item 2", "is empty")]
    [InlineData("host.processors=1, ,host.memory=1", "item 2", "is empty")]
    [InlineData(",", "item 1", "is empty")]
    // missing '='
    [InlineData("host.processors", "item 1 \"host.processors\"", "missing '=' between the resource and its quantity")]
    [InlineData("host.processors=1,host.memory 512", "item 2 \"host.memory 512\"", "missing '='")]
    [InlineData("host.processors:2", "item 1 \"host.processors:2\"", "missing '='")]
    // missing or non-integer quantities
    [InlineData("host.processors=", "item 1 \"host.processors=\"", "no quantity after '=' for host.processors")]
    [InlineData("host.processors=   ", "item 1 \"host.processors=\"", "no quantity after '='")]
    [InlineData("host.processors=2,host.memory=", "item 2 \"host.memory=\"", "no quantity after '=' for host.memory")]
    [InlineData("host.processors=a", "item 1 \"host.processors=a\"", "quantity \"a\" is not an integer")]
    [InlineData("host.processors=4.5", "item 1 \"host.processors=4.5\"", "quantity \"4.5\" is not an integer")]
    [InlineData("host.processors=1.0", "item 1 \"host.processors=1.0\"", "quantity \"1.0\" is not an integer")]
    [InlineData("host.processors=1e3", "item 1 \"host.processors=1e3\"", "quantity \"1e3\" is not an integer")]
    [InlineData("host.processors=0x10", "item 1 \"host.processors=0x10\"", "quantity \"0x10\" is not an integer")]
    [InlineData("host.processors=\uFF11", "item 1 \"host.processors=\uFF11\"", "is not an integer")]
    [InlineData("host.processors=ALL", "item 1 \"host.processors=ALL\"", "quantity \"ALL\" is not an integer")]
    [InlineData("host.processors=a+", "item 1 \"host.processors=a+\"", "quantity \"a+\" is not an integer")]
    [InlineData("host.processors=4.5*", "item 1 \"host.processors=4.5*\"", "quantity \"4.5*\" is not an integer")]
    [InlineData("host.processors=a-4", "item 1 \"host.processors=a-4\"", "quantity \"a-4\" is not an integer")]
    [InlineData("host.processors=2-b", "item 1 \"host.processors=2-b\"", "quantity \"2-b\" is not an integer")]
    [InlineData("host.processors=1+2", "item 1 \"host.processors=1+2\"", "quantity \"1+2\" is not an integer")]
    [InlineData("host.processors=2=3", "item 1 \"host.processors=2=3\"", "quantity \"2=3\" is not an integer")]
    [InlineData("host.processors=1,host.memory=abc", "item 2 \"host.memory=abc\"", "quantity \"abc\" is not an integer")]
    [InlineData("host.processors=+", "item 1 \"host.processors=+\"", "quantity \"+\" is missing a number")]
    [InlineData("host.processors=*", "item 1 \"host.processors=*\"", "quantity \"*\" is missing a number")]
    [InlineData("host.processors=2-", "item 1 \"host.processors=2-\"", "quantity \"2-\" is missing a number")]
    // zero
    [InlineData("host.processors=0", "item 1 \"host.processors=0\"", "quantity \"0\" is zero; counts are positive integers")]
    [InlineData("host.processors=00", "item 1 \"host.processors=00\"", "quantity \"00\" is zero")]
    [InlineData("host.processors=0+", "item 1 \"host.processors=0+\"", "quantity \"0+\" is zero")]
    [InlineData("host.processors=0*", "item 1 \"host.processors=0*\"", "quantity \"0*\" is zero")]
    [InlineData("host.processors=0-4", "item 1 \"host.processors=0-4\"", "quantity \"0-4\" is zero")]
    [InlineData("global.maya=0", "item 1 \"global.maya=0\"", "quantity \"0\" is zero")]
    // negative
    [InlineData("host.processors=-1", "item 1 \"host.processors=-1\"", "quantity \"-1\" is negative; counts are positive integers")]
    [InlineData("host.processors=-1+", "item 1 \"host.processors=-1+\"", "quantity \"-1+\" is negative")]
    [InlineData("host.processors=-2*", "item 1 \"host.processors=-2*\"", "quantity \"-2*\" is negative")]
    [InlineData("host.processors=-2-4", "item 1 \"host.processors=-2-4\"", "quantity \"-2-4\" is negative")]
    [InlineData("host.processors=2--4", "item 1 \"host.processors=2--4\"", "quantity \"2--4\" is negative")]
    [InlineData("global.maya=-3", "item 1 \"global.maya=-3\"", "quantity \"-3\" is negative")]
    // M < N
    [InlineData("host.processors=4-2", "item 1 \"host.processors=4-2\"", "range 4-2: the maximum 2 is less than the minimum 4")]
    [InlineData("host.memory=1000-999", "item 1 \"host.memory=1000-999\"", "the maximum 999 is less than the minimum 1000")]
    // elastic forms on a global resource
    [InlineData("global.maya=2+", "item 1 \"global.maya=2+\"", "global resources take a plain count N; \"2+\" is an elastic form for host resources only")]
    [InlineData("global.maya=1*", "item 1 \"global.maya=1*\"", "global resources take a plain count N; \"1*\"")]
    [InlineData("global.maya=all", "item 1 \"global.maya=all\"", "global resources take a plain count N; \"all\"")]
    [InlineData("host.processors=1,global.maya=1-2", "item 2 \"global.maya=1-2\"", "global resources take a plain count N; \"1-2\"")]
    // overflow
    [InlineData("host.processors=2147483648", "item 1 \"host.processors=2147483648\"", "quantity \"2147483648\" is too large (at most 2147483647)")]
    [InlineData("host.processors=99999999999999999999+", "item 1 \"host.processors=99999999999999999999+\"", "is too large")]
    [InlineData("host.processors=1-2147483648", "item 1 \"host.processors=1-2147483648\"", "quantity \"1-2147483648\" is too large")]
    [InlineData("global.maya=4294967297", "item 1 \"global.maya=4294967297\"", "is too large")]
    public void InvalidReservationsNameTheItemAndSayWhy(string text, string item, string why)
    {
        var error = Assert.Throws<ResourceRequestSyntaxException>(() => ResourceRequest.Parse(text));

        Assert.Contains(item, error.Message, StringComparison.Ordinal);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
        Assert.False(ResourceRequest.TryParse(text, out var spec, out var tryError));
        Assert.Null(spec);
        Assert.Equal(error.Message, tryError);
    }

    [Theory]
    [InlineData(" host.processors = 2+ ,host.memory= 512", "host.processors=2+,host.memory=512")]
    [InlineData("host.processors=all", "host.processors=1*")]
    [InlineData("host.processors=002-08,global.maya=1", "host.processors=2-8,global.maya=1")]
    public void CanonicalTextDropsSpacesAndSpellsTheForms(string text, string canonical)
    {
        var spec = ResourceRequest.Parse(text);

        Assert.Equal(canonical, spec.Text);
        Assert.Equal(spec, ResourceRequest.Parse(canonical));
        Assert.Equal(spec.GetHashCode(), ResourceRequest.Parse(canonical).GetHashCode());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void NoReservationStringMeansOneProcessor(string? text)
    {
        var spec = ResourceRequest.ParseOrDefault(text);

        Assert.Same(ResourceRequest.Default, spec);
        Assert.Equal("host.processors=1", spec.Text);
    }

    [Theory]
    [InlineData("host.memory=512", "host.processors=1,host.memory=512")]
    [InlineData("global.maya=1", "host.processors=1,global.maya=1")]
    [InlineData("host.gpu=1+,global.maya=2", "host.processors=1,host.gpu=1+,global.maya=2")]
    [InlineData("host.memory=512,host.processors=3-4", "host.memory=512,host.processors=3-4")]
    [InlineData("host.processors=all", "host.processors=1*")]
    public void EveryReservationTakesAtLeastOneProcessor(string text, string effective)
    {
        var spec = ResourceRequest.Parse(text);

        Assert.Equal(effective, string.Join(',', spec.EffectiveItems()));
    }

    [Theory]
    [InlineData("host.processors=2+", "item \"host.processors=2+\": only plain counts (N) are allowed here")]
    [InlineData("host.processors=1,host.memory=512-1024", "item \"host.memory=512-1024\": only plain counts")]
    [InlineData("host.processors=all", "item \"host.processors=1*\": only plain counts")]
    public void PlainCountPlacesRefuseElasticForms(string text, string message)
    {
        var spec = ResourceRequest.Parse(text);

        var error = Assert.Throws<ResourceRequestSyntaxException>(spec.RequireExactOnly);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PlainCountPlacesAcceptPlainCounts()
    {
        var spec = ResourceRequest.Parse("host.processors=1,host.memory=512,global.maya=1");

        spec.RequireExactOnly();

        Assert.All(spec.Items, item => Assert.False(item.IsElastic));
    }

    [Theory]
    [InlineData("host.processors=3", "exact")]
    [InlineData("host.processors=3+", "greedy")]
    [InlineData("host.processors=3*", "idle")]
    [InlineData("host.processors=all", "idle")]
    [InlineData("host.processors=3-5", "range")]
    public void ModesHaveTheirCommandLineNames(string text, string mode) =>
        Assert.Equal(mode, Assert.Single(ResourceRequest.Parse(text).Items).ModeText);

    private static string Describe(ResourceRequestItem item) =>
        $"{item.Resource} {item.ModeText} {item.Min} {(item.Max is { } max ? max.ToString(System.Globalization.CultureInfo.InvariantCulture) : "-")}";
}
