using Hearth.Algorithms.Tests.Worker;
using Hearth.Worker.Builds;

namespace Hearth.Algorithms.Tests.Archives;

/// <summary>A worker unpacking a build checks every entry again, whatever the supervisor let through.</summary>
public sealed class UnpackCheckTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Theory]
    [MemberData(nameof(ArchiveCases.Refused), MemberType = typeof(ArchiveCases))]
    public async Task AForbiddenEntryIsRefusedByNameAndCreatesNothing(string name)
    {
        var (_, entry, why) = ArchiveCases.Cases[name];
        var target = Path.Combine(_scratch.Path, "build");
        using var archive = new MemoryStream(ArchiveCases.Refusing(name));

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => BuildArchive.UnpackAsync(archive, target, TestContext.Current.CancellationToken));

        Assert.Contains($"entry \"{entry}\"", e.Message, StringComparison.Ordinal);
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_scratch.Path, e.Message, StringComparison.Ordinal);
        // A path that appears twice was created by its first entry; the second is what is refused.
        Assert.True(why == "appears twice" || !Path.Exists(Path.Combine(target, entry)), $"{entry} was created");
        Assert.Contains("hearth.json", Directory.EnumerateFileSystemEntries(target).Select(Path.GetFileName));
        Assert.False(Path.Exists(Path.Combine(_scratch.Path, "evil.sh")));
    }

    [Fact]
    public async Task AnAllowedArchiveUnpacksWithItsLinks()
    {
        var target = Path.Combine(_scratch.Path, "build");
        using var archive = new MemoryStream(ArchiveCases.Allowed());

        await BuildArchive.UnpackAsync(archive, target, TestContext.Current.CancellationToken);

        Assert.Equal("print(1)\n", await File.ReadAllTextAsync(Path.Combine(target, "main.py"), TestContext.Current.CancellationToken));
        Assert.Equal("../hearth.json", new FileInfo(Path.Combine(target, "lib", "manifest.json")).LinkTarget);
        Assert.Contains("entrypoint", await File.ReadAllTextAsync(Path.Combine(target, "lib", "manifest.json"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADuplicateEntryIsRefusedWithoutTheWorkersPath()
    {
        var target = Path.Combine(_scratch.Path, "build");
        var bytes = ArchiveCases.Allowed();
        // The same archive twice over: its second hearth.json lands on the first.
        using var archive = new MemoryStream([.. bytes, .. bytes]);
        Directory.CreateDirectory(target);
        await File.WriteAllTextAsync(Path.Combine(target, "hearth.json"), "{}", TestContext.Current.CancellationToken);

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => BuildArchive.UnpackAsync(archive, target, TestContext.Current.CancellationToken));

        Assert.Equal("the build archive's entry \"hearth.json\" cannot be unpacked: it is there already (a duplicate entry?)", e.Message);
    }
}
