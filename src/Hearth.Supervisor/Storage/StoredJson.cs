using System.Text.Json;

namespace Hearth.Supervisor.Storage;

/// <summary>How list and map columns are written as text: JSON, the same for every backend.</summary>
public static class StoredJson
{
    public static string Write(IReadOnlyDictionary<string, int> amounts) =>
        JsonSerializer.Serialize(amounts.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv => kv.Value));

    public static string Write(IReadOnlyList<string> argv) => JsonSerializer.Serialize(argv);

    public static IReadOnlyDictionary<string, int> ReadAmounts(string text) =>
        JsonSerializer.Deserialize<Dictionary<string, int>>(text) ?? [];

    public static IReadOnlyList<string> ReadArgv(string text) => JsonSerializer.Deserialize<string[]>(text) ?? [];
}
