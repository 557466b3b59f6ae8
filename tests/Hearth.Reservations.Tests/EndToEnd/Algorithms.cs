namespace Hearth.Reservations.Tests.EndToEnd;

/// <summary>Small Python algorithms written into a test's directory, to push as builds.</summary>
public static class Algorithms
{
    /// <summary>Answers <c>{"tag": TAG, "echo": INPUT}</c>; takes <paramref name="loadSeconds"/> to load.</summary>
    public static string Echo(string root, string tag, double loadSeconds = 0) => Write(root, tag, $$"""
        import json, os, sys, time
        time.sleep({{loadSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}})
        out = open(os.environ["ALGOOUT"], "w", encoding="utf-8")
        print("PIPE_INIT_COMPLETE", flush=True)
        for line in sys.stdin:
            request = json.loads(line)
            out.write(json.dumps({"result": {"tag": "{{tag}}", "echo": request["data"]}, "content_type": "json"}) + "\n")
            out.flush()
        """);

    /// <summary>Sleeps as many seconds as its input says, then answers with that number: a call that keeps its instance busy.</summary>
    public static string Sleeper(string root) => Write(root, "sleeper", """
        import json, os, sys, time
        out = open(os.environ["ALGOOUT"], "w", encoding="utf-8")
        print("PIPE_INIT_COMPLETE", flush=True)
        for line in sys.stdin:
            seconds = json.loads(line)["data"]
            time.sleep(seconds)
            out.write(json.dumps({"result": seconds, "content_type": "json"}) + "\n")
            out.flush()
        """);

    /// <summary>Prints some lines and exits before it is ready, as a model with a missing dependency does.</summary>
    public static string FailsToLoad(string root, string lastLine) => Write(root, "failing", $$"""
        import sys
        print("loading weights", flush=True)
        print("{{lastLine}}", file=sys.stderr, flush=True)
        sys.exit(1)
        """);

    private static string Write(string root, string name, string program)
    {
        var directory = Directory.CreateDirectory(Path.Combine(root, $"{name}-{Guid.NewGuid():N}")).FullName;
        File.WriteAllText(Path.Combine(directory, "main.py"), program);
        File.WriteAllText(Path.Combine(directory, "hearth.json"),
            """{"entrypoint": ["python3", "main.py"], "reservations": "host.processors=1,host.memory=64"}""");
        return directory;
    }
}
