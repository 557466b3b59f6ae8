using System.Diagnostics;
using System.Text;
using Hearth.Worker.Builds;

namespace Hearth.Algorithms.Tests.Worker;

public sealed class BuildTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private string Tree(string name, params (string Path, string Content)[] files)
    {
        var root = Path.Combine(_scratch.Path, name);
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }

        return root;
    }

    private static async Task<string> GitAsync(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory };
        foreach (var arg in (string[])["-c", "user.name=t", "-c", "user.email=t@example.com", .. args])
        {
            start.ArgumentList.Add(arg);
        }

        using var git = Process.Start(start)!;
        var output = await git.StandardOutput.ReadToEndAsync();
        await git.WaitForExitAsync();
        Assert.True(git.ExitCode == 0, $"git {string.Join(' ', args)} failed: {await git.StandardError.ReadToEndAsync()}");
        return output.Trim();
    }

    [Fact]
    public async Task TheContentHashIsFortyHexAndTheSameForTheSameTree()
    {
        var a = Tree("a", ("main.py", "print(1)"), ("lib/util.py", "x = 1"));
        var b = Tree("b", ("lib/util.py", "x = 1"), ("main.py", "print(1)"));
        var hash = await ContentHash.OfContentAsync(a, Token);
        Assert.Matches("^[0-9a-f]{40}$", hash);
        Assert.Equal(hash, await ContentHash.OfContentAsync(b, Token));
    }

    [Theory]
    [InlineData("edit")]
    [InlineData("rename")]
    [InlineData("add")]
    [InlineData("chmod")]
    public async Task AnyChangeToTheTreeChangesTheContentHash(string change)
    {
        var root = Tree("t", ("main.py", "print(1)"), ("data.txt", "abc"));
        var before = await ContentHash.OfContentAsync(root, Token);
        switch (change)
        {
            case "edit":
                await File.WriteAllTextAsync(Path.Combine(root, "data.txt"), "abd", Token);
                break;
            case "rename":
                File.Move(Path.Combine(root, "data.txt"), Path.Combine(root, "data2.txt"));
                break;
            case "add":
                await File.WriteAllTextAsync(Path.Combine(root, "empty"), "", Token);
                break;
            default:
                File.SetUnixFileMode(Path.Combine(root, "main.py"), File.GetUnixFileMode(Path.Combine(root, "main.py")) | UnixFileMode.UserExecute);
                break;
        }

        Assert.NotEqual(before, await ContentHash.OfContentAsync(root, Token));
    }

    [Fact]
    public async Task TheTopOfAGitCheckoutIsIdentifiedByItsContentNotItsHeadCommit()
    {
        var root = Tree("repo", ("main.py", "print(1)"));
        await GitAsync(root, "init", "-q");
        await GitAsync(root, "add", ".");
        await GitAsync(root, "commit", "-q", "-m", "first");
        var head = await GitAsync(root, "rev-parse", "HEAD");

        var (hash, source) = await ContentHash.ComputeAsync(root, Token);

        Assert.Equal((await ContentHash.OfContentAsync(root, Token), HashSource.Git), (hash, source));
        Assert.NotEqual(head, hash);
    }

    [Fact]
    public async Task ADirectoryInsideALargerCheckoutGetsAContentHash()
    {
        var root = Tree("repo", ("algo/main.py", "print(1)"));
        await GitAsync(root, "init", "-q");
        await GitAsync(root, "add", ".");
        await GitAsync(root, "commit", "-q", "-m", "first");
        var sub = Path.Combine(root, "algo");
        Assert.Equal((await ContentHash.OfContentAsync(sub, Token), HashSource.Content), await ContentHash.ComputeAsync(sub, Token));
    }

    [Fact]
    public async Task AnArchiveUnpacksToTheSameTreeWithModesAndLinksButWithoutGit()
    {
        var root = Tree("src", ("run.sh", "#!/bin/sh\necho hi\n"), ("deep/er/data.bin", "payload"), (".git/HEAD", "ref: x"));
        File.SetUnixFileMode(Path.Combine(root, "run.sh"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.CreateSymbolicLink(Path.Combine(root, "link.bin"), "deep/er/data.bin");

        var archive = await BuildArchive.PackAsync(root, Path.Combine(_scratch.Path, "b.tar.gz"), Token);
        Assert.Matches("^[0-9a-f]{64}$", archive.Sha256);
        Assert.Equal(new FileInfo(archive.Path).Length, archive.Size);

        var target = Path.Combine(_scratch.Path, "out");
        await using (var stream = File.OpenRead(archive.Path))
        {
            await BuildArchive.UnpackAsync(stream, target, Token);
        }

        Assert.Equal("payload", await File.ReadAllTextAsync(Path.Combine(target, "deep/er/data.bin"), Token));
        Assert.True((File.GetUnixFileMode(Path.Combine(target, "run.sh")) & UnixFileMode.UserExecute) != 0);
        Assert.Equal("deep/er/data.bin", new FileInfo(Path.Combine(target, "link.bin")).LinkTarget);
        Assert.False(Directory.Exists(Path.Combine(target, ".git")));
        Assert.Equal(await ContentHash.OfContentAsync(root, Token), await ContentHash.OfContentAsync(target, Token));
    }

    [Fact]
    public async Task PackagingRunsTheBuildCommandFirstSoItsOutputIsInTheBuild()
    {
        var root = Tree("algo",
            ("hearth.json", """{"entrypoint": ["python3", "main.py"], "reservations": "host.processors=1", "build": ["sh", "build.sh"]}"""),
            ("build.sh", "echo generating; echo weights > model.bin\n"));
        var log = new List<string>();
        var build = await BuildPackager.PackageAsync(root, Path.Combine(_scratch.Path, "a.tar.gz"), log.Add, Token);
        Assert.Equal(["building: sh build.sh", "generating"], log);
        Assert.Equal(HashSource.Content, build.Source);
        Assert.Equal(await ContentHash.OfContentAsync(root, Token), build.Hash);

        var again = await BuildPackager.PackageAsync(root, Path.Combine(_scratch.Path, "b.tar.gz"), _ => { }, Token);
        Assert.Equal(build.Hash, again.Hash);

        var target = Path.Combine(_scratch.Path, "unpacked");
        await using var stream = File.OpenRead(build.Archive.Path);
        await BuildArchive.UnpackAsync(stream, target, Token);
        Assert.Equal("weights\n", await File.ReadAllTextAsync(Path.Combine(target, "model.bin"), Token));
    }

    [Fact]
    public async Task AFailingBuildCommandIsReportedWithItsExitCodeAndOutput()
    {
        var root = Tree("algo",
            ("hearth.json", """{"entrypoint": ["python3", "main.py"], "reservations": "host.processors=1", "build": ["sh", "-c", "echo compiling; echo 'syntax error' >&2; exit 7"]}"""));
        var e = await Assert.ThrowsAsync<BuildException>(() => BuildPackager.PackageAsync(root, Path.Combine(_scratch.Path, "a.tar.gz"), _ => { }, Token));
        Assert.StartsWith("the build command \"sh -c echo compiling; echo 'syntax error' >&2; exit 7\" exited with code 7; last output: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("syntax error", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "has no hearth.json")]
    [InlineData("""{"entrypoint": ["a"], "reservations": "host.processors=2+"}""", "only plain counts (N) are allowed here")]
    public async Task ADirectoryWithoutAGoodManifestIsRefused(string? manifest, string reason)
    {
        var root = manifest is null ? Tree("algo", ("main.py", "")) : Tree("algo", ("hearth.json", manifest));
        var e = await Assert.ThrowsAsync<BuildException>(() => BuildPackager.PackageAsync(root, Path.Combine(_scratch.Path, "a.tar.gz"), _ => { }, Token));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheCacheFetchesABuildOnceForConcurrentColdStartsAndThenServesItLocally()
    {
        var root = Tree("algo", ("main.py", "print(1)"));
        var archive = await BuildArchive.PackAsync(root, Path.Combine(_scratch.Path, "a.tar.gz"), Token);
        var source = new CountingSource(archive.Path);
        var cache = new BuildCache(Path.Combine(_scratch.Path, "cache"), source);
        const string Hash = "abababababababababababababababababababab";

        var leases = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => cache.AcquireAsync(Hash, archive.Sha256, Token)));
        Assert.All(leases, l => Assert.Equal(cache.PathOf(Hash), l.Path));
        Assert.Equal(1, source.Opens);
        Assert.Equal("print(1)", await File.ReadAllTextAsync(Path.Combine(leases[0].Path, "main.py"), Token));

        using var again = await cache.AcquireAsync(Hash, archive.Sha256, Token);
        Assert.Equal(1, source.Opens);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(cache.Root, ".incoming")));
    }

    [Fact]
    public async Task ACorruptedDownloadIsRefusedAndNothingIsCached()
    {
        var root = Tree("algo", ("main.py", "print(1)"));
        var archive = await BuildArchive.PackAsync(root, Path.Combine(_scratch.Path, "a.tar.gz"), Token);
        var cache = new BuildCache(Path.Combine(_scratch.Path, "cache"), new CountingSource(archive.Path));
        const string Hash = "abababababababababababababababababababab";
        var e = await Assert.ThrowsAsync<BuildFetchException>(() => cache.AcquireAsync(Hash, new string('0', 64), Token));
        Assert.StartsWith($"build {Hash} arrived corrupted", e.Message, StringComparison.Ordinal);
        Assert.False(cache.Contains(Hash));
    }

    [Fact]
    public async Task AnArchiveThatIsNotATarballIsRefused()
    {
        var bogus = Path.Combine(_scratch.Path, "bogus.tar.gz");
        await File.WriteAllBytesAsync(bogus, Encoding.UTF8.GetBytes("not gzip at all"), Token);
        var cache = new BuildCache(Path.Combine(_scratch.Path, "cache"), new CountingSource(bogus));
        var e = await Assert.ThrowsAsync<BuildFetchException>(() => cache.AcquireAsync("cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd", null, Token));
        Assert.StartsWith("build cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd could not be unpacked", e.Message, StringComparison.Ordinal);
    }

    private sealed class CountingSource(string archive) : IBuildSource
    {
        private int _opens;

        public int Opens => _opens;

        public async Task<Stream> OpenAsync(string hash, string? grant, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _opens);
            await Task.Delay(50, cancellationToken);
            return File.OpenRead(archive);
        }
    }
}
