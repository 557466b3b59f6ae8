using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace Hearth.Algorithms.Tests.Archives;

/// <summary>
/// Hand-made build archives, each a valid <c>hearth.json</c> followed by one thing a build may not hold, with the
/// entry the refusal must name and why. Shared by the supervisor's push check and the worker's unpack check.
/// </summary>
internal static class ArchiveCases
{
    private const UnixFileMode Executable = (UnixFileMode)0b111_101_101;

    public static TheoryData<string> Refused => [.. Cases.Keys];

    public static readonly IReadOnlyDictionary<string, (Func<IEnumerable<TarEntry>> Entries, string Entry, string Why)> Cases =
        new Dictionary<string, (Func<IEnumerable<TarEntry>>, string, string)>
        {
            ["character device"] = (() => [Special(TarEntryType.CharacterDevice, "dev/null")], "dev/null", "is a character device"),
            ["block device"] = (() => [Special(TarEntryType.BlockDevice, "disk")], "disk", "is a block device"),
            ["fifo"] = (() => [Special(TarEntryType.Fifo, "pipe")], "pipe", "is a FIFO"),
            ["hard link"] = (() => [new PaxTarEntry(TarEntryType.HardLink, "copy") { LinkName = "hearth.json" }], "copy", "is a hard link"),
            ["setuid"] = (() => [File("run.sh", Executable | UnixFileMode.SetUser)], "run.sh", "setuid or setgid"),
            ["setgid"] = (() => [File("lib/run.sh", Executable | UnixFileMode.SetGroup)], "lib/run.sh", "setuid or setgid"),
            ["dot-dot"] = (() => [File("../evil.sh")], "../evil.sh", "\"..\" component"),
            ["nested dot-dot"] = (() => [File("lib/../../evil.sh")], "lib/../../evil.sh", "\"..\" component"),
            ["absolute"] = (() => [File("/tmp/evil.sh")], "/tmp/evil.sh", "absolute path"),
            ["link out"] = (() => [Link("lib/up", "../../etc")], "lib/up", "outside the build"),
            ["absolute link"] = (() => [Link("passwd", "/etc/passwd")], "passwd", "must be relative"),
            ["dot-dot after a name"] = (() => [Link("x", "lib/../..")], "x", "\"..\" after a name"),
            ["through a link"] = (() => [Link("here", "."), File("here/x.sh")], "here/x.sh", "under the symbolic link \"here\""),
            ["second manifest"] = (() => [Manifest("""{"entrypoint": ["sh", "-c", "evil"], "reservations": "host.processors=1"}""")], "hearth.json", "appears twice"),
            ["file twice"] = (() => [File("lib/main.py"), File("./lib/main.py")], "./lib/main.py", "appears twice"),
        };

    /// <summary>A build with everything allowed: files, a directory, links inside, and a link climbing back up.</summary>
    public static byte[] Allowed() => Archive([
        new PaxTarEntry(TarEntryType.Directory, "./") { Mode = Executable },
        new PaxTarEntry(TarEntryType.Directory, "lib/") { Mode = Executable },
        File("lib/main.py", Executable),
        Link("main.py", "lib/main.py"),
        Link("lib/manifest.json", "../hearth.json"),
    ]);

    public static byte[] Refusing(string name) => Archive(Cases[name].Entries());

    /// <summary>A build of one file, its manifest <paramref name="json"/>.</summary>
    public static byte[] WithManifest(string json)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            tar.WriteEntry(Manifest(json));
        }

        return buffer.ToArray();
    }

    private static byte[] Archive(IEnumerable<TarEntry> entries)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            tar.WriteEntry(Manifest("""{"entrypoint": ["python3", "main.py"], "reservations": "host.processors=1"}"""));
            foreach (var entry in entries)
            {
                tar.WriteEntry(entry);
            }
        }

        return buffer.ToArray();
    }

    private static PaxTarEntry Manifest(string json) => new(TarEntryType.RegularFile, "hearth.json")
    {
        Mode = (UnixFileMode)0b110_100_100,
        DataStream = new MemoryStream(Encoding.UTF8.GetBytes(json)),
    };

    private static PaxTarEntry File(string name, UnixFileMode mode = (UnixFileMode)0b110_100_100) =>
        new(TarEntryType.RegularFile, name) { Mode = mode, DataStream = new MemoryStream("print(1)\n"u8.ToArray()) };

    private static PaxTarEntry Link(string name, string target) => new(TarEntryType.SymbolicLink, name) { LinkName = target };

    private static PaxTarEntry Special(TarEntryType type, string name)
    {
        var entry = new PaxTarEntry(type, name) { Mode = (UnixFileMode)0b110_110_110 };
        if (type != TarEntryType.Fifo)
        {
            (entry.DeviceMajor, entry.DeviceMinor) = (1, 3);
        }

        return entry;
    }
}
