using Hearth.Protocol.Workspaces;
using Hearth.Server.Network;
using Hearth.Server.Workspaces;

namespace Hearth.Server.Tests.Network;

/// <summary>What a deleted workspace leaves in the settings of the workspaces that named it.</summary>
public sealed class NetworkServiceForgetTests
{
    private static readonly WorkspaceRecord Deleted = new()
    {
        Id = "ws_deleted0001",
        Name = "deleted",
        Slug = "deleted",
        Namespace = "default",
        Image = "busybox",
        Mode = "permanent",
        Status = "deleting",
        ProvisioningState = ProvisioningValues.StateReady,
        ProvisioningPhase = ProvisioningValues.PhaseDeleting,
        Cpus = 1,
        MemoryMb = 512,
        DiskSizeMb = 1024,
        Config = new WorkspaceConfig(),
        UidSlot = 0,
        OwnerKey = "hk_test",
        InternalIp = "10.88.0.5",
        CreatedAt = DateTimeOffset.UnixEpoch,
        UpdatedAt = DateTimeOffset.UnixEpoch,
    };

    [Fact]
    public void Its_address_and_id_leave_ingress_egress_and_private_links()
    {
        var config = new WorkspaceConfig
        {
            Ingress = ["10.88.0.5", "10.88.0.6", "10.88.0.50"],
            Egress = ["10.88.0.5/32", "api.example.com"],
            PrivateLinkIds = ["ws_deleted0001", "ws_other000001"],
        };

        var forgotten = NetworkService.Forget(config, Deleted);

        Assert.Equal(["10.88.0.6", "10.88.0.50"], forgotten.Ingress);
        Assert.Equal(["api.example.com"], forgotten.Egress);
        Assert.Equal(["ws_other000001"], forgotten.PrivateLinkIds);
        Assert.True(NetworkService.Mentions(config, Deleted));
    }

    [Fact]
    public void An_egress_list_that_named_only_it_keeps_restricting()
    {
        // An empty egress list means "anything": the workspace must not gain the internet by the delete.
        var config = new WorkspaceConfig { Egress = ["10.88.0.5"] };

        var forgotten = NetworkService.Forget(config, Deleted);

        Assert.Equal([NetworkService.NoDestination], forgotten.Egress);
        Assert.True(NetworkService.Mentions(config, Deleted));
        Assert.False(NetworkService.Mentions(forgotten, Deleted));
    }

    [Fact]
    public void Settings_that_do_not_name_it_stay_as_they_are()
    {
        var config = new WorkspaceConfig { Ingress = ["10.88.0.0/16"], Egress = [], PrivateLinkIds = null };

        Assert.Equal(config.Egress, NetworkService.Forget(config, Deleted).Egress);
        Assert.False(NetworkService.Mentions(config, Deleted));
    }
}
