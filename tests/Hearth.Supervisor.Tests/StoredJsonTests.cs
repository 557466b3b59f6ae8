using System.Text.Json;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Tests;

public sealed class StoredJsonTests
{
    [Fact]
    public void AmountsAreWrittenInKeyOrderExactlyAsTheSerializerWritesThem()
    {
        var amounts = new Dictionary<string, int> { ["host.processors"] = 8, ["global.maya"] = 1, ["host.memory"] = 16000, ["host.gpu_<&>"] = -2 };

        var text = StoredJson.Write(amounts);

        var sorted = amounts.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Equal(JsonSerializer.Serialize(sorted), text);
        Assert.StartsWith("{\"global.maya\":1,\"host.gpu_", text, StringComparison.Ordinal);
        Assert.Equal(amounts, StoredJson.ReadAmounts(text));
    }

    [Fact]
    public void NoAmountsAreAnEmptyObject() => Assert.Equal("{}", StoredJson.Write(new Dictionary<string, int>()));
}
