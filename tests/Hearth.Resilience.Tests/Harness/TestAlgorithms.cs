using Hearth.Testing;

namespace Hearth.Resilience.Tests.Harness;

/// <summary>Small algorithms written by a test, pushed and published through the real CLI.</summary>
internal static class TestAlgorithms
{
    /// <summary>
    /// Creates <paramref name="account"/> with a key, writes <paramref name="files"/> (and a <c>hearth.json</c> running
    /// <paramref name="entrypoint"/>) into a build directory under the farm, then pushes and publishes it as
    /// <c>ACCOUNT/NAME</c> 1.0.0. Returns the account's key and the build's hash.
    /// </summary>
    public static async Task<(string Key, string Hash)> PublishAsync(
        TestCluster farm, string account, string name, string[] entrypoint, IReadOnlyDictionary<string, string> files)
    {
        var directory = Directory.CreateDirectory(Path.Combine(farm.Root, "algorithms", name)).FullName;
        var manifest = System.Text.Json.JsonSerializer.Serialize(new { entrypoint, reservations = "host.processors=1,host.memory=64" });
        await File.WriteAllTextAsync(Path.Combine(directory, "hearth.json"), manifest, TestContext.Current.CancellationToken);
        foreach (var (file, text) in files)
        {
            await File.WriteAllTextAsync(Path.Combine(directory, file), text, TestContext.Current.CancellationToken);
        }

        var (url, admin) = (farm.Url, farm.AdminKey);
        await HearthCli.RequireAsync(url, admin, "account", "create", account);
        var key = (await HearthCli.RequireAsync(url, admin, "key", "create", account, "--json")).Json.GetProperty("key").GetString()!;
        var algorithm = $"{account}/{name}";
        var hash = (await HearthCli.RequireAsync(url, key, "algo", "push", directory, "--as", algorithm, "--json")).Json.GetProperty("hash").GetString()!;
        await HearthCli.RequireAsync(url, key, "algo", "publish", algorithm, "--hash", hash, "--version", "1.0.0", "--private");
        return (key, hash);
    }
}
