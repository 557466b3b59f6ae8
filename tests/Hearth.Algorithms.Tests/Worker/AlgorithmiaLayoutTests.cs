using System.IO.Compression;
using System.Text;
using Hearth.Core.Algorithms;
using Hearth.Worker.Builds;

namespace Hearth.Algorithms.Tests.Worker;

/// <summary>Packaging a directory in Algorithmia's layout: the implied manifest, the runner, and requirements installed into the build.</summary>
public sealed class AlgorithmiaLayoutTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private string Tree(string language = "python3", string requirements = "", params (string Path, string Content)[] extra)
    {
        var root = Path.Combine(_scratch.Path, Guid.NewGuid().ToString("N")[..8]);
        var files = new List<(string, string)>
        {
            ("algorithmia.conf", $$"""{"username": "acme", "algoname": "hello", "language": "{{language}}"}"""),
            ("src/hello.py", "def apply(input):\n    return input\n"),
            ("requirements.txt", requirements),
        };
        foreach (var (path, content) in files.Concat(extra))
        {
            var full = Path.Combine(root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }

        return root;
    }

    private async Task<(PackagedBuild Build, string Unpacked)> PackageAsync(string directory)
    {
        var archive = Path.Combine(_scratch.Path, $"{Guid.NewGuid():N}.tar.gz");
        var build = await BuildPackager.PackageAsync(directory, archive, _ => { }, Token);
        var unpacked = Path.Combine(_scratch.Path, $"{Guid.NewGuid():N}");
        await using (var stream = File.OpenRead(archive))
        {
            await BuildArchive.UnpackAsync(stream, unpacked, Token);
        }

        return (build, unpacked);
    }

    [Fact]
    public async Task ALayoutWithoutManifestGetsTheRunnerAndTheDefaultReservationAndLeavesTheSourceAlone()
    {
        var source = Tree(requirements: "# nothing\n\n");
        var before = Directory.GetFileSystemEntries(source, "*", SearchOption.AllDirectories).Order().ToList();
        var (build, unpacked) = await PackageAsync(source);

        Assert.Equal(["python3", ".hearth/runner.py"], build.Manifest.Entrypoint);
        Assert.Equal("host.processors=1,host.memory=1024", build.Manifest.Resources.Text);
        Assert.True(File.Exists(Path.Combine(unpacked, ".hearth", "runner.py")));
        Assert.Equal(build.Manifest, AlgorithmManifest.Parse(File.ReadAllText(Path.Combine(unpacked, "hearth.json"))));
        Assert.False(Directory.Exists(Path.Combine(unpacked, ".hearth", "packages")));
        Assert.Equal(before, Directory.GetFileSystemEntries(source, "*", SearchOption.AllDirectories).Order().ToList());
    }

    [Fact]
    public async Task AHearthJsonBesideTheConfOverridesOnlyWhatItNames()
    {
        var (build, _) = await PackageAsync(Tree(extra: ("hearth.json", """{"reservations": "host.processors=2,host.memory=300"}""")));
        Assert.Equal(["python3", ".hearth/runner.py"], build.Manifest.Entrypoint);
        Assert.Equal("host.processors=2,host.memory=300", build.Manifest.Resources.Text);
    }

    [Theory]
    [InlineData("python2", "language \"python2\" is Python 2, which Hearth does not run")]
    [InlineData("python2-langpack", "language \"python2-langpack\" is Python 2, which Hearth does not run")]
    [InlineData("java", "language \"java\" is not supported in Algorithmia's layout; Hearth runs python3 there")]
    public async Task OnlyPython3IsAccepted(string language, string message)
    {
        var e = await Assert.ThrowsAsync<BuildException>(() => PackageAsync(Tree(language)));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APythonThreeVariantIsAccepted() =>
        Assert.Equal("host.processors=1,host.memory=1024", (await PackageAsync(Tree("python3-1"))).Build.Manifest.Resources.Text);

    [Fact]
    public async Task AConfWithoutItsSourceFileIsRefused()
    {
        var source = Tree();
        File.Delete(Path.Combine(source, "src", "hello.py"));
        var e = await Assert.ThrowsAsync<BuildException>(() => PackageAsync(source));
        Assert.EndsWith("has algorithmia.conf for \"hello\" but no src/hello.py; Algorithmia's layout keeps the algorithm there", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARequirementThePackageIndexCannotGiveFailsThePushWithPipsReason()
    {
        var e = await Assert.ThrowsAsync<BuildException>(() => PackageAsync(Tree(requirements: "--no-index\nhearth-no-such-package==1.0\n")));
        Assert.StartsWith("pip could not install requirements.txt (exit code 1): ", e.Message, StringComparison.Ordinal);
        Assert.Contains("ERROR: No matching distribution found for hearth-no-such-package==1.0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequirementsAreInstalledIntoTheBuild()
    {
        var wheels = Path.Combine(_scratch.Path, "wheels");
        Directory.CreateDirectory(wheels);
        WriteWheel(Path.Combine(wheels, "hearthtiny-1.0-py3-none-any.whl"));
        var (_, unpacked) = await PackageAsync(Tree(requirements: $"--no-index\n--find-links {wheels}\nhearthtiny==1.0\n"));
        Assert.Equal("ANSWER = 42\n", File.ReadAllText(Path.Combine(unpacked, ".hearth", "packages", "hearthtiny", "__init__.py")));
    }

    /// <summary>The smallest wheel pip installs: one module and its metadata.</summary>
    private static void WriteWheel(string path)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        void Add(string name, string content)
        {
            using var writer = new StreamWriter(zip.CreateEntry(name).Open(), new UTF8Encoding(false));
            writer.Write(content);
        }

        Add("hearthtiny/__init__.py", "ANSWER = 42\n");
        Add("hearthtiny-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: hearthtiny\nVersion: 1.0\n");
        Add("hearthtiny-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\nGenerator: hand\nRoot-Is-Purelib: true\nTag: py3-none-any\n");
        Add("hearthtiny-1.0.dist-info/RECORD", "hearthtiny/__init__.py,,\nhearthtiny-1.0.dist-info/METADATA,,\nhearthtiny-1.0.dist-info/WHEEL,,\nhearthtiny-1.0.dist-info/RECORD,,\n");
    }
}
