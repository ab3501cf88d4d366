using Hearth.Server.Auth;

namespace Hearth.Server.Tests.Auth;

public sealed class SecretHasherTests
{
    private const int FewIterations = 1_000;

    [Fact]
    public void The_right_secret_verifies()
    {
        var (hash, salt) = SecretHasher.Hash("hs_correct horse", FewIterations);

        Assert.True(SecretHasher.Verify("hs_correct horse", hash, salt, FewIterations));
    }

    [Theory]
    [InlineData("hs_correct hors")]
    [InlineData("hs_correct horsE")]
    [InlineData("")]
    [InlineData("hs_correct horse ")]
    public void Any_other_secret_does_not(string other)
    {
        var (hash, salt) = SecretHasher.Hash("hs_correct horse", FewIterations);

        Assert.False(SecretHasher.Verify(other, hash, salt, FewIterations));
    }

    [Fact]
    public void The_iteration_count_is_part_of_the_hash()
    {
        var (hash, salt) = SecretHasher.Hash("s3cret", FewIterations);

        Assert.False(SecretHasher.Verify("s3cret", hash, salt, FewIterations + 1));
    }

    [Fact]
    public void Each_hash_has_its_own_salt_and_stores_no_clear_text()
    {
        var (hash1, salt1) = SecretHasher.Hash("same", FewIterations);
        var (hash2, salt2) = SecretHasher.Hash("same", FewIterations);

        Assert.NotEqual(salt1, salt2);
        Assert.NotEqual(hash1, hash2);
        Assert.Equal(32, hash1.Length);
        Assert.True(salt1.Length >= 16);
        Assert.False(SecretHasher.Verify("same", hash1, salt2, FewIterations));
    }

    [Fact]
    public void The_default_is_a_slow_kdf()
    {
        Assert.True(SecretHasher.DefaultIterations >= 600_000);
    }
}
