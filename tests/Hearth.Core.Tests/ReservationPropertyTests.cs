using CsCheck;
using Hearth.Core.Resources;

namespace Hearth.Core.Tests;

/// <summary>The reservation language over generated input: valid text parses to what was written, anything else is a clear error.</summary>
public sealed class ReservationPropertyTests
{
    private static readonly string[] Resources = ["host.processors", "host.memory", "host.gpu", "global.maya", "global.nuke"];

    /// <summary>One item as (resource, quantity text, expected mode, min, max).</summary>
    private static readonly Gen<(string Resource, string Quantity, GrantMode Mode, int Min, int? Max)> Item =
        Gen.Select(Gen.Int[0, Resources.Length - 1], Gen.Int[0, 4], Gen.Int[1, 50], Gen.Int[0, 50])
            .Select((r, form, n, extra) =>
            {
                var resource = Resources[r];
                var global = resource.StartsWith("global.", StringComparison.Ordinal);
                return (global ? 0 : form) switch
                {
                    0 => (resource, $"{n}", GrantMode.Exact, n, (int?)n),
                    1 => (resource, $"{n}+", GrantMode.Greedy, n, null),
                    2 => (resource, $"{n}*", GrantMode.Idle, n, null),
                    3 => (resource, "all", GrantMode.Idle, 1, null),
                    _ => (resource, $"{n}-{n + extra}", GrantMode.Range, n, n + extra),
                };
            });

    private static readonly Gen<string> Padding = Gen.OneOf("", " ", "  ", "\t");

    [Fact]
    public void GeneratedValidReservationsParseToTheItemsWritten()
    {
        var spec = Gen.Select(Item.Array[1, 5], Padding.Array[4]);

        spec.Where((items, _) => items.Select(i => i.Resource).Distinct().Count() == items.Length)
            .Sample((items, pad) =>
            {
                var text = string.Join(',', items.Select(i => $"{pad[0]}{i.Resource}{pad[1]}={pad[2]}{i.Quantity}{pad[3]}"));

                var parsed = ResourceRequest.Parse(text);

                Assert.Equal(items.Length, parsed.Items.Count);
                for (var k = 0; k < items.Length; k++)
                {
                    var (resource, _, mode, min, max) = items[k];
                    Assert.Equal(new ResourceRequestItem(Name(resource), mode, min, max), parsed.Items[k]);
                }

                Assert.Equal(parsed, ResourceRequest.Parse(parsed.Text));
            }, iter: 2000);
    }

    [Fact]
    public void AnyTextEitherParsesOrFailsWithASyntaxErrorNamingAnItem()
    {
        var alphabet = Gen.OneOf(
            "host.processors", "host.memory", "global.maya", "host.", "global.", "cpu.",
            "=", ",", " ", "+", "*", "-", "all", "0", "1", "7", "42", "99999999999", ".", "a");
        var text = alphabet.Array[0, 12].Select(parts => string.Concat(parts));

        text.Sample(t =>
        {
            try
            {
                var spec = ResourceRequest.Parse(t);
                Assert.Equal(spec, ResourceRequest.Parse(spec.Text));
                Assert.All(spec.Items, i => Assert.True(i.Min >= 1 && (i.Max is null || i.Max >= i.Min)));
                Assert.All(spec.Items, i => Assert.True(i.Resource.IsHost || i.Mode == GrantMode.Exact));
            }
            catch (ResourceRequestSyntaxException e)
            {
                Assert.True(
                    e.Message.StartsWith("item ", StringComparison.Ordinal) || e.Message.StartsWith("reservation is empty", StringComparison.Ordinal),
                    e.Message);
            }
        }, iter: 5000);
    }

    private static ResourceName Name(string text)
    {
        Assert.True(ResourceName.TryParse(text, out var name, out var error), error);
        return name;
    }
}
