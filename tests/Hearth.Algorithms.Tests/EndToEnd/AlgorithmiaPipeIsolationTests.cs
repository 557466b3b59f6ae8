using System.Text;

namespace Hearth.Algorithms.Tests.EndToEnd;

/// <summary>Algorithms that answer on Algorithmia's fixed pipe, /tmp/algoout, called by two accounts at once.</summary>
public sealed class AlgorithmiaPipeIsolationTests
{
    private const int CallsEach = 20;

    private static async Task<string[]> CallManyAsync(HttpClient client, string algorithm, string who) =>
        await Task.WhenAll(Enumerable.Range(0, CallsEach).Select(async i =>
        {
            using var content = new StringContent($"{who}-{i}", Encoding.UTF8, "text/plain");
            var answer = await TestCluster.CallAsync(client, algorithm, content);
            Assert.Equal(200, answer.Status);
            return answer.Result.GetString()!;
        }));

    private static async Task AssertNoCrossedAnswersAsync(HttpClient alice, HttpClient bob, string algorithm, Func<string, string> expected)
    {
        var answers = await Task.WhenAll(CallManyAsync(alice, algorithm, "alice"), CallManyAsync(bob, algorithm, "bob"));
        Assert.Equal(Enumerable.Range(0, CallsEach).Select(i => expected($"alice-{i}")), answers[0]);
        Assert.Equal(Enumerable.Range(0, CallsEach).Select(i => expected($"bob-{i}")), answers[1]);
    }

    /// <summary>
    /// The ADK writes to /tmp/algoout. Each account's instance gets its own pipe: the instance's private /tmp where
    /// the worker sandboxes, and otherwise the runner pointing the module's /tmp/algoout at the instance's own pipe.
    /// </summary>
    [Fact]
    public async Task TwoAccountsCallingAnAdkAlgorithmAtOnceNeverGetEachOthersAnswers()
    {
        await using var cluster = await TestCluster.StartInProcessAsync();
        var (alice, bob, _) = await AlgorithmiaCallTests.AlgorithmsAsync(cluster);
        await AssertNoCrossedAnswersAsync(alice, bob, "acme/adk", input => input.ToUpperInvariant());
    }

    /// <summary>
    /// A native algorithm that opens /tmp/algoout itself has only the instance's private /tmp to keep the accounts'
    /// pipes apart: the sandbox, on by default, gives each instance its own with the pipe already at /tmp/algoout.
    /// </summary>
    [Fact]
    public async Task TwoAccountsCallingANativeFixedPipeAlgorithmAtOnceNeverGetEachOthersAnswers()
    {
        await using var cluster = await TestCluster.StartInProcessAsync();
        var (alice, bob, _) = await AlgorithmiaCallTests.AlgorithmsAsync(cluster);
        var hash = await cluster.PushAsync(AlgorithmiaCallTests.Layout(cluster, "fixed-pipe"), "acme/fixedpipe");
        await cluster.PublishAsync("acme/fixedpipe", hash, "1.0.0", isPublic: true);
        await AssertNoCrossedAnswersAsync(alice, bob, "acme/fixedpipe", input => input);
    }
}
