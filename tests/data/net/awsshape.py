"""AWS CLI output shapes (aws ec2 / elbv2 describe-*), every field the CLI
prints for these resources, written as `aws --output json` does (indent 4).

Used by gen.py (the hand-designed test topologies under tests/data/net/) and
by bench/net_estate.py (the generated benchmark estate). Field names follow
the EC2 and ELBv2 API references (DescribeInstances, DescribeNetworkAcls,
DescribeTargetHealth, ...)."""
import json

OWNER = "123456789012"
REGION = "us-east-1"
T0 = "2024-05-01T10:00:00+00:00"


def dump(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=4)
        f.write("\n")


def tags(name):
    return [{"Key": "Name", "Value": name}]


def eni(eni_id, subnet, vpc, ip, groups, public_ip=None, ipv6=(), instance=None, device=0,
        az="us-east-1a", iftype="interface", description=""):
    assoc = None
    if public_ip:
        assoc = {"IpOwnerId": "amazon", "PublicDnsName": "ec2-%s.compute-1.amazonaws.com"
                 % public_ip.replace(".", "-"), "PublicIp": public_ip}
    e = {}
    if assoc:
        e["Association"] = dict(assoc)
    e["Attachment"] = {"AttachTime": T0, "AttachmentId": "eni-attach-" + eni_id[4:],
                       "DeleteOnTermination": True, "DeviceIndex": device, "Status": "attached",
                       "NetworkCardIndex": 0}
    if instance:
        e["Attachment"]["InstanceId"] = instance
        e["Attachment"]["InstanceOwnerId"] = OWNER
    e.update({
        "AvailabilityZone": az,
        "Description": description,
        "Groups": [{"GroupName": g.replace("sg-", "grp-"), "GroupId": g} for g in groups],
        "InterfaceType": iftype,
        "Ipv6Addresses": [{"Ipv6Address": a, "IsPrimaryIpv6": False} for a in ipv6],
        "MacAddress": "0a:1b:2c:3d:4e:5f",
        "NetworkInterfaceId": eni_id,
        "OwnerId": OWNER,
        "PrivateDnsName": "ip-%s.ec2.internal" % ip.replace(".", "-"),
        "PrivateIpAddress": ip,
        "PrivateIpAddresses": [dict(({"Association": dict(assoc)} if assoc else {}),
                                    Primary=True,
                                    PrivateDnsName="ip-%s.ec2.internal" % ip.replace(".", "-"),
                                    PrivateIpAddress=ip)],
        "RequesterManaged": False,
        "SourceDestCheck": True,
        "Status": "in-use",
        "SubnetId": subnet,
        "TagSet": [],
        "VpcId": vpc,
    })
    return e


def instance(iid, subnet, vpc, ip, groups, public_ip=None, ipv6=(), state="running", enis=None,
             az="us-east-1a"):
    """describe-instances Instance; `enis` overrides the single primary interface."""
    if enis is None:
        enis = [eni("eni-" + iid[2:], subnet, vpc, ip, groups, public_ip, ipv6, None, 0, az)]
    for e in enis:  # describe-instances nests interfaces without Attachment.InstanceId
        e = dict(e)
    nis = []
    for e in enis:
        e = json.loads(json.dumps(e))
        e["Attachment"].pop("InstanceId", None)
        e["Attachment"].pop("InstanceOwnerId", None)
        for k in ("AvailabilityZone", "RequesterManaged", "TagSet"):
            e.pop(k, None)
        nis.append(e)
    i = {
        "AmiLaunchIndex": 0,
        "ImageId": "ami-0abcdef1234567890",
        "InstanceId": iid,
        "InstanceType": "t3.micro",
        "KeyName": "ops",
        "LaunchTime": T0,
        "Monitoring": {"State": "disabled"},
        "Placement": {"AvailabilityZone": az, "GroupName": "", "Tenancy": "default"},
        "PrivateDnsName": "ip-%s.ec2.internal" % ip.replace(".", "-"),
        "PrivateIpAddress": ip,
        "ProductCodes": [],
        "PublicDnsName": ("ec2-%s.compute-1.amazonaws.com" % public_ip.replace(".", "-"))
        if public_ip else "",
    }
    if public_ip:
        i["PublicIpAddress"] = public_ip
    i.update({
        "State": {"Code": 16 if state == "running" else 80, "Name": state},
        "StateTransitionReason": "",
        "SubnetId": subnet,
        "VpcId": vpc,
        "Architecture": "x86_64",
        "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {
            "AttachTime": T0, "DeleteOnTermination": True, "Status": "attached",
            "VolumeId": "vol-" + iid[2:]}}],
        "ClientToken": "",
        "EbsOptimized": False,
        "EnaSupport": True,
        "Hypervisor": "xen",
        "NetworkInterfaces": nis,
        "RootDeviceName": "/dev/xvda",
        "RootDeviceType": "ebs",
        "SecurityGroups": [{"GroupName": g.replace("sg-", "grp-"), "GroupId": g} for g in groups],
        "SourceDestCheck": True,
        "Tags": tags(iid),
        "VirtualizationType": "hvm",
        "CpuOptions": {"CoreCount": 1, "ThreadsPerCore": 2},
        "CapacityReservationSpecification": {"CapacityReservationPreference": "open"},
        "HibernationOptions": {"Configured": False},
        "MetadataOptions": {"State": "applied", "HttpTokens": "required",
                            "HttpPutResponseHopLimit": 2, "HttpEndpoint": "enabled",
                            "HttpProtocolIpv6": "disabled", "InstanceMetadataTags": "disabled"},
        "EnclaveOptions": {"Enabled": False},
        "BootMode": "uefi-preferred",
        "PlatformDetails": "Linux/UNIX",
        "UsageOperation": "RunInstances",
        "UsageOperationUpdateTime": T0,
        "PrivateDnsNameOptions": {"HostnameType": "ip-name",
                                  "EnableResourceNameDnsARecord": False,
                                  "EnableResourceNameDnsAAAARecord": False},
        "MaintenanceOptions": {"AutoRecovery": "default"},
        "CurrentInstanceBootMode": "legacy-bios",
    })
    return i


def reservations(instances):
    return {"Reservations": [{"Groups": [], "Instances": [i], "OwnerId": OWNER,
                              "ReservationId": "r-" + i["InstanceId"][2:]} for i in instances]}


def vpc(vid, cidr, ipv6=None):
    v = {"CidrBlock": cidr, "DhcpOptionsId": "dopt-0123456789abcdef0", "State": "available",
         "VpcId": vid, "OwnerId": OWNER, "InstanceTenancy": "default",
         "CidrBlockAssociationSet": [{"AssociationId": "vpc-cidr-assoc-" + vid[4:],
                                      "CidrBlock": cidr,
                                      "CidrBlockState": {"State": "associated"}}],
         "IsDefault": False, "Tags": tags(vid)}
    if ipv6:
        v["Ipv6CidrBlockAssociationSet"] = [{
            "AssociationId": "vpc-cidr-assoc-6" + vid[4:], "Ipv6CidrBlock": ipv6,
            "Ipv6CidrBlockState": {"State": "associated"}, "NetworkBorderGroup": REGION,
            "Ipv6Pool": "Amazon"}]
    return v


def subnet(sid, vpc_id, cidr, az="us-east-1a", ipv6=None, public=False):
    s = {"AvailabilityZone": az, "AvailabilityZoneId": "use1-az1", "AvailableIpAddressCount": 250,
         "CidrBlock": cidr, "DefaultForAz": False, "MapPublicIpOnLaunch": public,
         "MapCustomerOwnedIpOnLaunch": False, "State": "available", "SubnetId": sid,
         "VpcId": vpc_id, "OwnerId": OWNER, "AssignIpv6AddressOnCreation": False,
         "Ipv6CidrBlockAssociationSet": [], "Tags": tags(sid),
         "SubnetArn": "arn:aws:ec2:%s:%s:subnet/%s" % (REGION, OWNER, sid),
         "EnableDns64": False, "Ipv6Native": False,
         "PrivateDnsNameOptionsOnLaunch": {"HostnameType": "ip-name",
                                           "EnableResourceNameDnsARecord": False,
                                           "EnableResourceNameDnsAAAARecord": False}}
    if ipv6:
        s["Ipv6CidrBlockAssociationSet"] = [{"AssociationId": "subnet-cidr-assoc-" + sid[7:],
                                             "Ipv6CidrBlock": ipv6,
                                             "Ipv6CidrBlockState": {"State": "associated"}}]
    return s


def route(dest, target, state="active", origin="CreateRoute"):
    r = {}
    if dest.startswith("pl-"):
        r["DestinationPrefixListId"] = dest
    elif ":" in dest:
        r["DestinationIpv6CidrBlock"] = dest
    else:
        r["DestinationCidrBlock"] = dest
    key = {"igw": "GatewayId", "vgw": "GatewayId", "loc": "GatewayId", "nat": "NatGatewayId",
           "pcx": "VpcPeeringConnectionId", "tgw": "TransitGatewayId",
           "eni": "NetworkInterfaceId", "eig": "EgressOnlyInternetGatewayId"}[target[:3]]
    r[key] = target
    r["Origin"] = "CreateRouteTable" if target == "local" else origin
    r["State"] = state
    return r


def route_table(rid, vpc_id, routes, subnets=(), main=False):
    assoc = []
    if main:
        assoc.append({"Main": True, "RouteTableAssociationId": "rtbassoc-m" + rid[4:],
                      "RouteTableId": rid, "AssociationState": {"State": "associated"}})
    for s in subnets:
        assoc.append({"Main": False, "RouteTableAssociationId": "rtbassoc-" + s[7:],
                      "RouteTableId": rid, "SubnetId": s,
                      "AssociationState": {"State": "associated"}})
    return {"Associations": assoc, "PropagatingVgws": [], "RouteTableId": rid, "Routes": routes,
            "Tags": tags(rid), "VpcId": vpc_id, "OwnerId": OWNER}


def igw(gid, vpc_id):
    return {"Attachments": [{"State": "available", "VpcId": vpc_id}] if vpc_id else [],
            "InternetGatewayId": gid, "OwnerId": OWNER, "Tags": tags(gid)}


def acl_entry(num, egress, action, proto="-1", cidr="0.0.0.0/0", ports=None):
    e = {}
    if ":" in cidr:
        e["Ipv6CidrBlock"] = cidr
    else:
        e["CidrBlock"] = cidr
    e["Egress"] = egress
    if ports:
        e["PortRange"] = {"From": ports[0], "To": ports[1]}
    e["Protocol"] = proto
    e["RuleAction"] = action
    e["RuleNumber"] = num
    return e


def acl(aid, vpc_id, entries, subnets=(), default=False):
    """`entries` without the `*` rules; they are added as the CLI shows them."""
    ents = list(entries) + [acl_entry(32767, False, "deny"), acl_entry(32767, True, "deny")]
    ents.sort(key=lambda e: (e["Egress"], e["RuleNumber"]))
    return {"Associations": [{"NetworkAclAssociationId": "aclassoc-" + s[7:], "NetworkAclId": aid,
                              "SubnetId": s} for s in subnets],
            "Entries": ents, "IsDefault": default, "NetworkAclId": aid, "Tags": tags(aid),
            "VpcId": vpc_id, "OwnerId": OWNER}


def allow_all_acl(aid, vpc_id, subnets=(), default=True):
    return acl(aid, vpc_id, [acl_entry(100, False, "allow"), acl_entry(100, True, "allow")],
               subnets, default)


def perm(proto, ports=None, cidrs=(), cidrs6=(), pls=(), groups=()):
    p = {"IpProtocol": proto}
    if ports is not None:
        p["FromPort"], p["ToPort"] = ports
    p["IpRanges"] = [{"CidrIp": c} for c in cidrs]
    p["Ipv6Ranges"] = [{"CidrIpv6": c} for c in cidrs6]
    p["PrefixListIds"] = [{"PrefixListId": x} for x in pls]
    p["UserIdGroupPairs"] = [dict({"GroupId": g[0], "UserId": OWNER},
                                  **({"VpcId": g[1], "VpcPeeringConnectionId": g[2],
                                      "PeeringStatus": "active"} if len(g) > 1 else {}))
                             for g in groups]
    return p


def sg(gid, vpc_id, inbound):
    return {"Description": "group " + gid, "GroupName": gid.replace("sg-", "grp-"),
            "IpPermissions": inbound, "OwnerId": OWNER, "GroupId": gid,
            "IpPermissionsEgress": [perm("-1", None, ["0.0.0.0/0"])], "Tags": tags(gid),
            "VpcId": vpc_id, "SecurityGroupArn": "arn:aws:ec2:%s:%s:security-group/%s"
            % (REGION, OWNER, gid)}


def prefix_list(pid, name, family="IPv4"):
    return {"PrefixListId": pid, "AddressFamily": family, "State": "create-complete",
            "PrefixListArn": "arn:aws:ec2:%s:%s:prefix-list/%s" % (REGION, OWNER, pid),
            "PrefixListName": name, "MaxEntries": 10, "Version": 1, "Tags": [],
            "OwnerId": OWNER}


def pl_entries(cidrs):
    return {"Entries": [{"Cidr": c, "Description": "entry"} for c in cidrs]}


def peering(pid, req_vpc, req_cidr, acc_vpc, acc_cidr, status="active"):
    def side(v, c):
        return {"CidrBlock": c, "CidrBlockSet": [{"CidrBlock": c}], "OwnerId": OWNER,
                "PeeringOptions": {"AllowDnsResolutionFromRemoteVpc": False,
                                   "AllowEgressFromLocalClassicLinkToRemoteVpc": False,
                                   "AllowEgressFromLocalVpcToRemoteClassicLink": False},
                "VpcId": v, "Region": REGION}
    return {"AccepterVpcInfo": side(acc_vpc, acc_cidr), "RequesterVpcInfo": side(req_vpc, req_cidr),
            "Status": {"Code": status, "Message": status.capitalize().replace("-", " ")},
            "Tags": tags(pid), "VpcPeeringConnectionId": pid}


def vgw(gid, vpc_id):
    return {"AvailabilityZone": None, "State": "available", "Type": "ipsec.1",
            "VpcAttachments": [{"State": "attached", "VpcId": vpc_id}], "VpnGatewayId": gid,
            "AmazonSideAsn": 64512, "Tags": tags(gid)}


def vpn(cid, gid, cidrs, state="available"):
    return {"CustomerGatewayConfiguration": "", "CustomerGatewayId": "cgw-0123456789abcdef0",
            "Category": "VPN", "State": state, "Type": "ipsec.1", "VpnConnectionId": cid,
            "VpnGatewayId": gid,
            "Options": {"EnableAcceleration": False, "StaticRoutesOnly": True,
                        "LocalIpv4NetworkCidr": "0.0.0.0/0", "RemoteIpv4NetworkCidr": "0.0.0.0/0",
                        "OutsideIpAddressType": "PublicIpv4", "TunnelInsideIpVersion": "ipv4"},
            "Routes": [{"DestinationCidrBlock": c, "Source": "Static", "State": "available"}
                       for c in cidrs],
            "Tags": tags(cid), "VgwTelemetry": []}


def lb_arn(name, kind="app"):
    return "arn:aws:elasticloadbalancing:%s:%s:loadbalancer/%s/%s/50dc6c495c0c9188" % (
        REGION, OWNER, kind, name)


def load_balancer(name, vpc_id, subnets, groups, scheme="internet-facing", kind="application"):
    b = {"LoadBalancerArn": lb_arn(name, "app" if kind == "application" else "net"),
         "DNSName": "%s-1234567890.%s.elb.amazonaws.com" % (name, REGION),
         "CanonicalHostedZoneId": "Z35SXDOTRQ7X7K", "CreatedTime": T0,
         "LoadBalancerName": name, "Scheme": scheme, "VpcId": vpc_id,
         "State": {"Code": "active"}, "Type": kind,
         "AvailabilityZones": [{"ZoneName": "us-east-1%s" % "abc"[i % 3], "SubnetId": s,
                                "LoadBalancerAddresses": []} for i, s in enumerate(subnets)],
         "IpAddressType": "ipv4"}
    if groups is not None:
        b["SecurityGroups"] = list(groups)
    return b


def tg_arn(name):
    return "arn:aws:elasticloadbalancing:%s:%s:targetgroup/%s/73e2d6bc24d8a067" % (
        REGION, OWNER, name)


def listener(lb_name, port, proto, tg_names, kind="app", idx=0):
    arn = "arn:aws:elasticloadbalancing:%s:%s:listener/%s/%s/50dc6c495c0c9188/f2f7dc8efc522ab%d" % (
        REGION, OWNER, kind, lb_name, idx)
    act = {"Type": "forward", "Order": 1}
    if len(tg_names) == 1:
        act["TargetGroupArn"] = tg_arn(tg_names[0])
    act["ForwardConfig"] = {"TargetGroups": [{"TargetGroupArn": tg_arn(t), "Weight": 1}
                                             for t in tg_names],
                            "TargetGroupStickinessConfig": {"Enabled": False}}
    l = {"ListenerArn": arn, "LoadBalancerArn": lb_arn(lb_name, kind), "Port": port,
         "Protocol": proto, "DefaultActions": [act]}
    if proto in ("HTTPS", "TLS"):
        l["Certificates"] = [{"CertificateArn": "arn:aws:acm:%s:%s:certificate/abc" % (REGION, OWNER)}]
        l["SslPolicy"] = "ELBSecurityPolicy-TLS13-1-2-2021-06"
    return l


def target_group(name, vpc_id, port, proto="HTTP", lbs=(), ttype="instance"):
    return {"TargetGroupArn": tg_arn(name), "TargetGroupName": name, "Protocol": proto,
            "Port": port, "VpcId": vpc_id, "HealthCheckProtocol": proto,
            "HealthCheckPort": "traffic-port", "HealthCheckEnabled": True,
            "HealthCheckIntervalSeconds": 30, "HealthCheckTimeoutSeconds": 5,
            "HealthyThresholdCount": 5, "UnhealthyThresholdCount": 2,
            "HealthCheckPath": "/", "Matcher": {"HttpCode": "200"},
            "LoadBalancerArns": list(lbs), "TargetType": ttype,
            "ProtocolVersion": "HTTP1", "IpAddressType": "ipv4"}


def target_health(targets):
    return {"TargetHealthDescriptions": [
        {"Target": {"Id": t, "Port": p, "AvailabilityZone": "us-east-1a"},
         "HealthCheckPort": str(p), "TargetHealth": {"State": "healthy"}} for t, p in targets]}
