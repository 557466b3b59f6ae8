using Hearth.Core.Algorithms;
using Hearth.Core.Reservations;
using Hearth.Core.Resources;

namespace Hearth.Reservations.Tests;

/// <summary>Accounts, organizations and algorithms in memory, changed the way pushes and publishes change them.</summary>
internal sealed class TestCatalog : IReservationCatalog
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private readonly Dictionary<string, HashSet<string>> _members = new(StringComparer.Ordinal);
    private readonly HashSet<string> _organizations = new(StringComparer.Ordinal);
    private readonly Dictionary<AlgorithmName, (List<AlgorithmBuild> Builds, List<AlgorithmVersion> Versions)> _algorithms = [];
    private int _pushes;

    /// <summary>A build hash whose 40 digits are all <paramref name="n"/>'s hex digit, so short hashes differ too.</summary>
    public static string HashOf(int n) => new(n.ToString("x", System.Globalization.CultureInfo.InvariantCulture)[0], 40);

    /// <summary>
    /// alice and bob are users; acme is an organization with alice as its member. acme/model has build 1 published
    /// public as 1.0.0, build 2 published private as 1.1.0 and build 3 pushed but not published.
    /// </summary>
    public static TestCatalog Standard()
    {
        var catalog = new TestCatalog().User("alice").User("bob").Organization("acme", "alice");
        var model = new AlgorithmName("acme", "model");
        catalog.Push(model, HashOf(1)).Publish(model, HashOf(1), "1.0.0", Visibility.Public);
        catalog.Push(model, HashOf(2)).Publish(model, HashOf(2), "1.1.0", Visibility.Private);
        catalog.Push(model, HashOf(3));
        catalog.Push(new AlgorithmName("acme", "empty"), null);
        return catalog;
    }

    public TestCatalog User(string name)
    {
        _members.TryAdd(name, []);
        return this;
    }

    public TestCatalog Organization(string name, params string[] members)
    {
        _organizations.Add(name);
        _members.TryAdd(name, []);
        foreach (var member in members)
        {
            User(member);
            _members[member].Add(name);
        }

        return this;
    }

    /// <summary>Pushes a build (or, with a null hash, only creates the algorithm) with the given manifest reservation.</summary>
    public TestCatalog Push(AlgorithmName algorithm, string? hash, string reservations = "host.processors=1,host.memory=512")
    {
        if (!_algorithms.TryGetValue(algorithm, out var entry))
        {
            entry = ([], []);
            _algorithms.Add(algorithm, entry);
        }

        if (hash is not null)
        {
            var manifest = new AlgorithmManifest(["python3", "main.py"], ResourceRequest.Parse(reservations), null);
            entry.Builds.Add(new AlgorithmBuild(hash, manifest, T0.AddMinutes(++_pushes)));
        }

        return this;
    }

    public TestCatalog Publish(AlgorithmName algorithm, string hash, string version, Visibility visibility)
    {
        _algorithms[algorithm].Versions.Add(new AlgorithmVersion(SemanticVersion.Parse(version), hash, visibility, T0.AddMinutes(++_pushes)));
        return this;
    }

    public TestCatalog RemoveMember(string organization, string user)
    {
        _members[user].Remove(organization);
        return this;
    }

    public Caller? FindAccount(string name) =>
        _members.TryGetValue(name, out var organizations) ? Caller.Of(name, organizations) : null;

    public AlgorithmEntry? FindAlgorithm(AlgorithmName name) =>
        _algorithms.TryGetValue(name, out var entry) ? new AlgorithmEntry(name, entry.Builds.ToList(), entry.Versions.ToList()) : null;
}
