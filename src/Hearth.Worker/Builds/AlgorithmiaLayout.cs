using System.Text.Json;
using Hearth.Core.Algorithms;
using Hearth.Core.Resources;

namespace Hearth.Worker.Builds;

/// <summary>
/// Algorithms in Algorithmia's layout: <c>algorithmia.conf</c> (<c>{"algoname", "language"}</c>), <c>src/NAME.py</c>
/// with <c>apply</c>, and <c>requirements.txt</c>. The build is a copy of the directory with Hearth's runner and the
/// installed requirements added, so it carries everything it runs with; nothing is installed at call time.
/// </summary>
internal static class AlgorithmiaLayout
{
    public const string ConfFile = "algorithmia.conf";
    public const string RunnerPath = ".hearth/runner.py";
    public const string PackagesPath = ".hearth/packages";
    public const string AdkMarker = ".adk";

    /// <summary>What an Algorithmia algorithm gets without a <c>hearth.json</c>; one beside the conf overrides what it names.</summary>
    public static readonly AlgorithmManifest Defaults =
        new(["python3", RunnerPath], ResourceRequest.Parse("host.processors=1,host.memory=1024"), null);

    public static bool Applies(string directory) => File.Exists(Path.Combine(directory, ConfFile));

    /// <summary>Reads the conf and an optional <c>hearth.json</c>; every refusal says what is wrong and what to do.</summary>
    public static AlgorithmManifest ReadManifest(string directory)
    {
        var conf = Path.Combine(directory, ConfFile);
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(File.ReadAllText(conf)).RootElement;
        }
        catch (JsonException e)
        {
            throw new BuildException($"{conf} is not valid JSON: {e.Message}");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new BuildException($"{conf} must hold a JSON object such as {{\"algoname\": \"hello\", \"language\": \"python3\"}}");
        }

        var name = Text(root, "algoname", conf);
        if (!IsModuleName(name))
        {
            throw new BuildException($"{conf}: \"algoname\" \"{name}\" is not a Python module name (letters, digits and _, not starting with a digit)");
        }

        CheckLanguage(Text(root, "language", conf), conf);
        if (!File.Exists(Path.Combine(directory, "src", name + ".py")))
        {
            throw new BuildException($"{directory} has {ConfFile} for \"{name}\" but no src/{name}.py; Algorithmia's layout keeps the algorithm there");
        }

        var manifest = Path.Combine(directory, AlgorithmManifest.FileName);
        if (!File.Exists(manifest))
        {
            return Defaults;
        }

        try
        {
            return AlgorithmManifest.Parse(File.ReadAllText(manifest), Defaults);
        }
        catch (AlgorithmFormatException e)
        {
            throw new BuildException($"{manifest}: {e.Message}");
        }
    }

    /// <summary>
    /// Copies <paramref name="source"/> into <paramref name="staging"/>, adds the runner and the full manifest (which is
    /// what the supervisor reads from every build), and installs <c>requirements.txt</c> there with
    /// <c>pip install --target</c>; pip's own reason is the error when it fails.
    /// </summary>
    public static async Task StageAsync(string source, string staging, AlgorithmManifest manifest, Action<string> log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        Copy(source, staging);
        await File.WriteAllTextAsync(Path.Combine(staging, AlgorithmManifest.FileName), manifest.ToJson(), cancellationToken).ConfigureAwait(false);
        var runner = Path.Combine(staging, RunnerPath);
        Directory.CreateDirectory(Path.GetDirectoryName(runner)!);
        using (var resource = typeof(AlgorithmiaLayout).Assembly.GetManifestResourceStream("Hearth.Worker.Builds.algorithmia_runner.py")!)
        using (var file = File.Create(runner))
        {
            await resource.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
        }

        var requirements = Path.Combine(staging, "requirements.txt");
        if (!File.Exists(requirements) || !File.ReadLines(requirements).Any(l => l.Trim() is { Length: > 0 } t && !t.StartsWith('#')))
        {
            return;
        }

        string[] pip =
        [
            "python3", "-m", "pip", "install", "--target", Path.Combine(staging, PackagesPath), "--requirement", requirements,
            "--no-input", "--disable-pip-version-check", "--no-warn-script-location",
        ];
        await BuildPackager.RunBuildAsync(staging, pip, log, cancellationToken, (code, output) =>
        {
            var errors = output.Where(l => l.StartsWith("ERROR:", StringComparison.Ordinal)).ToList();
            return $"pip could not install requirements.txt (exit code {code}): {string.Join(" | ", errors.Count > 0 ? errors : output)}";
        }).ConfigureAwait(false);
    }

    private static void CheckLanguage(string language, string conf)
    {
        if (language.StartsWith("python3", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        throw new BuildException(language.StartsWith("python", StringComparison.OrdinalIgnoreCase)
            ? $"{conf}: language \"{language}\" is Python 2, which Hearth does not run (it is past its end of life); port the algorithm to Python 3 and set \"language\": \"python3\""
            : $"{conf}: language \"{language}\" is not supported in Algorithmia's layout; Hearth runs python3 there. Other languages run with a {AlgorithmManifest.FileName} giving their entrypoint");
    }

    private static string Text(JsonElement root, string field, string conf) =>
        root.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new BuildException($"{conf}: \"{field}\" is missing or not a string");

    private static void Copy(string source, string target)
    {
        foreach (var file in BuildTree.List(source))
        {
            var destination = Path.Combine(target, file.RelativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            if (file.IsLink)
            {
                File.CreateSymbolicLink(destination, new FileInfo(file.FullPath).LinkTarget!);
            }
            else
            {
                File.Copy(file.FullPath, destination);
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(destination, BuildTree.ModeOf(file.FullPath));
                }
            }
        }
    }

    private static bool IsModuleName(string name) =>
        !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
