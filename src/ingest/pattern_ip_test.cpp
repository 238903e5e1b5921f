#include "ingest/pattern_ip.h"

#include <gtest/gtest.h>

namespace lifeboat::ingest {
namespace {

bool in(std::string_view cidr, std::string_view ip_text) {
  auto range = CidrRange::parse(cidr);
  EXPECT_TRUE(range.is_ok()) << cidr << ": " << range.status().to_string();
  IpAddress ip;
  return range && parse_ip(ip_text, ip) && range->contains(ip);
}

TEST(ParseIp, AcceptsLiteralsOnly) {
  IpAddress ip;
  EXPECT_TRUE(parse_ip("192.168.0.1", ip));
  EXPECT_FALSE(ip.v6);
  EXPECT_TRUE(parse_ip("::1", ip));
  EXPECT_TRUE(ip.v6);
  EXPECT_TRUE(parse_ip("::ffff:10.0.0.1", ip));
  EXPECT_FALSE(parse_ip("256.0.0.1", ip));
  EXPECT_FALSE(parse_ip("10.0.0", ip));
  EXPECT_FALSE(parse_ip("example.com", ip));
  EXPECT_FALSE(parse_ip("", ip));
  EXPECT_FALSE(parse_ip(std::string(200, '1'), ip));
}

TEST(CidrRange, Ipv4Blocks) {
  EXPECT_TRUE(in("10.0.0.0/8", "10.255.255.255"));
  EXPECT_FALSE(in("10.0.0.0/8", "11.0.0.0"));
  EXPECT_TRUE(in("192.168.1.0/31", "192.168.1.1"));
  EXPECT_FALSE(in("192.168.1.0/31", "192.168.1.2"));
  EXPECT_TRUE(in("0.0.0.0/0", "255.255.255.255"));
  EXPECT_TRUE(in("172.16.0.0/12", "172.16.0.0"));
  EXPECT_FALSE(in("172.16.0.0/12", "172.15.255.255"));
}

TEST(CidrRange, Ipv6BlocksAndFamilies) {
  EXPECT_TRUE(in("2001:db8::/32", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"));
  EXPECT_FALSE(in("2001:db8::/32", "2001:db9::"));
  EXPECT_TRUE(in("::/0", "::1"));
  EXPECT_FALSE(in("::/0", "10.0.0.1"));
  EXPECT_FALSE(in("0.0.0.0/0", "::1"));
  EXPECT_TRUE(in("fe80::/10", "febf::1"));
  EXPECT_FALSE(in("fe80::/10", "fec0::1"));
}

TEST(CidrRange, StartsAtTheAddressWrittenAsEventBridgeDoes) {
  // EventBridge's range runs from the address given to that address with its host bits set.
  EXPECT_TRUE(in("10.0.0.5/24", "10.0.0.200"));
  EXPECT_FALSE(in("10.0.0.5/24", "10.0.0.4"));
}

TEST(CidrRange, RejectsMalformedBlocks) {
  for (const char* bad :
       {"10.0.0.0", "10.0.0.0/", "/8", "10.0.0.0/8/8", "10.0.0.0/+8", "10.0.0.0/32", "10.0.0.0/33",
        "::/128", "10.0.0/8", "host/8", "10.0.0.0/-1", "10.0.0.0/ 8"}) {
    EXPECT_FALSE(CidrRange::parse(bad).is_ok()) << bad;
  }
}

}  // namespace
}  // namespace lifeboat::ingest
