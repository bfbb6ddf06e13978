using NodeFirmware.Nodectl.ReceiverApi;

namespace NodeFirmware.Nodectl.Tests.Campaigns;

/// <summary>What ReceiverClient refuses before any request, and how it reads a refusal's reason.</summary>
public sealed class ReceiverClientTests
{
    [Fact]
    public void The_token_comes_from_the_file_else_the_environment_and_an_oversized_file_is_refused()
    {
        string dir = Directory.CreateTempSubdirectory("nodectl-token-").FullName;
        try
        {
            string file = Path.Combine(dir, "operator.token");
            File.WriteAllText(file, "nfr_file-token\n");
            Assert.Equal("nfr_file-token", ReceiverClient.ReadToken(file, _ => "nfr_env-token"));
            Assert.Equal("nfr_env-token", ReceiverClient.ReadToken(null, name => name == ReceiverClient.TokenVariable ? " nfr_env-token " : null));
            Assert.Null(ReceiverClient.ReadToken(null, _ => ""));
            Assert.Contains("does not exist", Assert.Throws<ArgumentException>(() => ReceiverClient.ReadToken(Path.Combine(dir, "none"), _ => null)).Message);
            File.WriteAllText(file, new string('x', ReceiverClient.MaxTokenFileBytes + 1));
            Assert.Contains("not a token", Assert.Throws<ArgumentException>(() => ReceiverClient.ReadToken(file, _ => null)).Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("ftp://receiver.example/")]
    [InlineData("receiver.example")]
    [InlineData("/api")]
    public void Only_an_absolute_http_url_is_a_receiver(string url) =>
        Assert.Contains("is not an http(s) URL", Assert.Throws<ArgumentException>(() => ReceiverClient.ParseUrl(url)).Message);

    [Fact]
    public void A_refusal_reason_is_the_error_of_the_json_body_else_the_status_line_and_a_bounded_body()
    {
        Assert.Equal("no campaign 'x'", new ReceiverResponse(404, "Not Found", "{\"error\":\"no campaign 'x'\"}").Reason);
        var html = new ReceiverResponse(502, "Bad Gateway", "<html>" + new string('x', 1000) + "</html>").Reason;
        Assert.StartsWith("502 Bad Gateway <html>", html);
        Assert.True(html.Length < 350, html);
    }
}
