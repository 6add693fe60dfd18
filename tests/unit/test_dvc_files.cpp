#include "scratch.hpp"

#include <doctest/doctest.h>

#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>
#include <trove/dvc/dvc_files.hpp>
#include <trove/dvc/dvc_objects.hpp>

#include <string>

using namespace trove;
using namespace trove::dvc;

TEST_SUITE_BEGIN("dvc::dvc_files");

TEST_CASE("md5 of the bytes, and DVC 2's dos2unix rule for text")
{
  CHECK(dvc_md5("", HashKind::md5) == "d41d8cd98f00b204e9800998ecf8427e");
  CHECK(dvc_md5("a\nb\n", HashKind::md5) == "dd8c6a395b5dd36c56d23275028f526c");
  CHECK(dvc_md5("a\r\nb\r\n", HashKind::md5) == "59b0d7772f0561efb95518f3cb8abc60");
  // Text: every CRLF becomes LF before hashing.
  CHECK(dvc_md5("a\r\nb\r\n", HashKind::md5_dos2unix) ==
        "dd8c6a395b5dd36c56d23275028f526c");
  // A lone CR stays, and LF text hashes as its bytes.
  CHECK(dvc_md5("a\rb\n", HashKind::md5_dos2unix) == dvc_md5("a\rb\n", HashKind::md5));
  CHECK(dvc_md5("a\nb\n", HashKind::md5_dos2unix) == "dd8c6a395b5dd36c56d23275028f526c");
  // Binary (a NUL byte in the first 512 bytes): the bytes as they are.
  std::string binary("a\r\n\0b\r\n", 7);
  CHECK(dvc_md5(binary, HashKind::md5_dos2unix) == dvc_md5(binary, HashKind::md5));
  // Only the first 512 bytes decide: a NUL after them does not make it binary.
  std::string late_nul = std::string(600, 'x') + "\r\n" + std::string(1, '\0');
  CHECK(dvc_md5(late_nul, HashKind::md5_dos2unix) ==
        dvc_md5(std::string(600, 'x') + "\n" + std::string(1, '\0'), HashKind::md5));
}

TEST_CASE("the text test: at most 30% bytes outside printable ASCII")
{
  CHECK(looks_like_text(""));
  CHECK(looks_like_text("plain text\r\n\t\f\b"));
  CHECK_FALSE(looks_like_text(std::string("a\0b", 3)));
  std::string three_of_ten = std::string(7, 'a') + "\xc3\xa9\xff";
  CHECK(looks_like_text(three_of_ten));
  std::string four_of_ten = std::string(6, 'a') + "\xc3\xa9\xff\xfe";
  CHECK_FALSE(looks_like_text(four_of_ten));
}

TEST_CASE("streaming gives the same md5 however the bytes are split")
{
  std::string text;
  for (int i = 0; i < 300; ++i) {
    text += "line " + std::to_string(i) + "\r\n";
  }
  auto whole = dvc_md5(text, HashKind::md5_dos2unix);
  for (std::size_t piece : {1u, 2u, 7u, 511u, 512u, 513u, 4096u}) {
    DvcHasher hasher(HashKind::md5_dos2unix);
    for (std::size_t at = 0; at < text.size(); at += piece) {
      hasher.update(std::string_view(text).substr(at, piece));
    }
    CHECK(hasher.finish_hex() == whole);
  }
  ScratchDir dir;
  core::write_file_atomic(dir / "crlf.txt", text);
  CHECK(dvc_md5_file(dir / "crlf.txt", HashKind::md5_dos2unix) == whole);
  CHECK(dvc_md5_file(dir / "crlf.txt", HashKind::md5) == dvc_md5(text, HashKind::md5));
}

TEST_CASE(".dvc files: DVC 3 and DVC 2 entries")
{
  auto v3 =
      DvcFile::parse("outs:\n- md5: 0232a2e80fe847a41666e4c4e5bc416f.dir\n  size: 2963\n"
                     "  nfiles: 11\n  hash: md5\n  path: images\n",
                     "images.dvc");
  REQUIRE(v3.outs.size() == 1);
  CHECK(v3.unsupported.empty());
  const auto& out = v3.outs[0];
  CHECK(out.path == "images");
  REQUIRE(out.hash);
  CHECK(out.hash->md5 == "0232a2e80fe847a41666e4c4e5bc416f");
  CHECK(out.hash->is_dir);
  CHECK(out.hash->kind == HashKind::md5);
  CHECK(out.hash->to_string() == "0232a2e80fe847a41666e4c4e5bc416f.dir");
  CHECK(out.size == 2963u);
  CHECK(out.nfiles == 11u);

  auto v2 = DvcFile::parse(
      "outs:\n- md5: 58276f03ff74ff4c4bc0e786cfe9f895\n  size: 111\n  isexec: true\n"
      "  path: run.sh\n",
      "tools/run.sh.dvc");
  REQUIRE(v2.outs[0].hash);
  CHECK(v2.outs[0].hash->kind == HashKind::md5_dos2unix);
  CHECK_FALSE(v2.outs[0].hash->is_dir);
  CHECK(v2.outs[0].executable);

  auto import = DvcFile::parse("deps:\n- path: x\n  repo: {url: u}\nouts:\n- md5: "
                               "0232a2e80fe847a41666e4c4e5bc416f\n  path: x\n",
                               "x.dvc");
  CHECK_FALSE(import.unsupported.empty());
}

TEST_CASE(".dvc files that are not DVC's: errors name file:line:column")
{
  CHECK_THROWS_WITH_AS(DvcFile::parse("outs: [md5: x\n", "a.dvc"),
                       doctest::Contains("a.dvc:"), Error);
  CHECK_THROWS_WITH_AS(DvcFile::parse("outs:\n- md5: 12345\n  path: a\n", "a.dvc"),
                       doctest::Contains("a.dvc:2:8: malformed md5"), Error);
  CHECK_THROWS_WITH_AS(DvcFile::parse("just text\n", "a.dvc"),
                       doctest::Contains("a.dvc:1:1: expected a mapping"), Error);
  CHECK_THROWS_WITH_AS(DvcFile::parse("outs:\n- md5: 0232a2e80fe847a41666e4c4e5bc416f\n"
                                      "  path: ../../etc/passwd\n",
                                      "a.dvc"),
                       doctest::Contains("unsafe path"), Error);
}

TEST_CASE(".dir manifests")
{
  std::string text = "[{\"md5\": \"d41d8cd98f00b204e9800998ecf8427e\", \"relpath\": "
                     "\"empty.bin\"}, {\"md5\": \"3b5d5c3712955042212316173ccf37be\", "
                     "\"relpath\": \"misc/caf\\u00e9.png\"}]";
  // The manifest's name is the md5 of these very bytes.
  CHECK(dvc_md5(text, HashKind::md5) == "9fa1cafe229c73e591360d479bba5e62");
  auto entries = parse_dir_manifest(text, "x.dir");
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].relpath == "empty.bin");
  CHECK(entries[0].md5 == "d41d8cd98f00b204e9800998ecf8427e");
  CHECK(entries[1].relpath == "misc/caf\xc3\xa9.png");
  CHECK_FALSE(entries[1].executable);
  auto exec =
      parse_dir_manifest("[{\"isexec\": true, \"md5\": "
                         "\"d41d8cd98f00b204e9800998ecf8427e\", \"relpath\": \"run\"}]",
                         "x.dir");
  CHECK(exec[0].executable);
  CHECK_THROWS_WITH_AS(parse_dir_manifest("{}", "x.dir"),
                       doctest::Contains("x.dir: not a DVC directory manifest"), Error);
  CHECK_THROWS_WITH_AS(
      parse_dir_manifest("[{\"md5\": \"d41d8cd98f00b204e9800998ecf8427e\", \"relpath\": "
                         "\"../escape\"}]",
                         "x.dir"),
      doctest::Contains("unsafe path '../escape'"), Error);
  CHECK_THROWS_WITH_AS(
      parse_dir_manifest("[{\"md5\": \"zz\", \"relpath\": \"a\"}]", "x.dir"),
      doctest::Contains("malformed md5"), Error);
}

TEST_CASE(".dir manifests written as DVC writes them (their md5 is the directory's)")
{
  std::vector<DvcDirEntry> entries = {
      {"misc/caf\xc3\xa9.png", "3b5d5c3712955042212316173ccf37be", false},
      {"empty.bin", "d41d8cd98f00b204e9800998ecf8427e", false}};
  auto text = serialize_dir_manifest(entries);
  REQUIRE(text);
  CHECK(*text == "[{\"md5\": \"d41d8cd98f00b204e9800998ecf8427e\", \"relpath\": "
                 "\"empty.bin\"}, {\"md5\": \"3b5d5c3712955042212316173ccf37be\", "
                 "\"relpath\": \"misc/caf\\u00e9.png\"}]");
  CHECK(dvc_md5(*text, HashKind::md5) == "9fa1cafe229c73e591360d479bba5e62");
  // As Python's json.dumps: CJK and quotes escaped, astral characters as
  // surrogate pairs.
  auto odd = serialize_dir_manifest(
      {{"x/\xe6\x97\xa5\xe6\x9c\xac/\xf0\x9f\x98\x80 \"q\"\\\t.txt",
        "d41d8cd98f00b204e9800998ecf8427e", false}});
  REQUIRE(odd);
  CHECK(*odd == "[{\"md5\": \"d41d8cd98f00b204e9800998ecf8427e\", \"relpath\": "
                "\"x/\\u65e5\\u672c/\\ud83d\\ude00 \\\"q\\\"\\\\\\t.txt\"}]");
  CHECK_FALSE(
      serialize_dir_manifest({{"bad\xff", "d41d8cd98f00b204e9800998ecf8427e", false}}));
}

TEST_CASE("dvc.lock: commands, deps, params and outs")
{
  std::string text = "schema: '2.0'\n"
                     "stages:\n"
                     "  prepare:\n"
                     "    cmd: sh tools/run.sh data/raw.csv\n"
                     "      data/prepared\n"
                     "    deps:\n"
                     "    - path: tools/run.sh\n"
                     "      hash: md5\n"
                     "      md5: 1e67990ff687eca4c8b76612bbc6296a\n"
                     "      size: 687\n"
                     "      isexec: true\n"
                     "    params:\n"
                     "      params.yaml:\n"
                     "        prepare:\n"
                     "          split: 0.75\n"
                     "          columns:\n"
                     "          - x1\n"
                     "        train.lr: 0.2\n"
                     "    outs:\n"
                     "    - path: data/prepared\n"
                     "      md5: 8df34346d3628db44a45240e7193c398.dir\n"
                     "      size: 65302\n"
                     "      nfiles: 3\n"
                     "  summarize@train:\n"
                     "    cmd:\n"
                     "    - echo one\n"
                     "    - echo two\n";
  auto stages = parse_dvc_lock(text, "dvc.lock");
  REQUIRE(stages.size() == 2);
  const auto& prepare = stages.at("prepare");
  REQUIRE(prepare.cmd.size() == 1);
  // A folded plain scalar reads as one line.
  CHECK(prepare.cmd[0] == "sh tools/run.sh data/raw.csv data/prepared");
  CHECK_FALSE(prepare.cmd_is_list);
  REQUIRE(prepare.deps.size() == 1);
  CHECK(prepare.deps[0].executable);
  CHECK(prepare.deps[0].hash->kind == HashKind::md5);
  REQUIRE(prepare.outs.size() == 1);
  CHECK(prepare.outs[0].hash->is_dir);
  CHECK(prepare.outs[0].hash->kind == HashKind::md5_dos2unix); // no `hash: md5`: DVC 2's
  CHECK(prepare.outs[0].nfiles == 3u);
  const auto& params = prepare.params.at("params.yaml");
  CHECK(params.at("prepare")["split"] == 0.75);
  CHECK(params.at("prepare")["columns"][0] == "x1");
  CHECK(params.at("train.lr") == 0.2);
  const auto& summarize = stages.at("summarize@train");
  CHECK(summarize.cmd_is_list);
  CHECK(summarize.cmd.size() == 2);

  CHECK_THROWS_WITH_AS(parse_dvc_lock("schema: '3.0'\nstages: {}\n", "dvc.lock"),
                       doctest::Contains("dvc.lock:1:9: unsupported dvc.lock schema"),
                       Error);
  CHECK_THROWS_WITH_AS(parse_dvc_lock("schema: '2.0'\nstages:\n  a: [\n", "dvc.lock"),
                       doctest::Contains("dvc.lock:"), Error);
}

TEST_CASE(".dvc/config: remotes, core and cache; urls relative to .dvc/")
{
  auto config = DvcConfig::parse("[core]\n    remote = local\n"
                                 "['remote \"local\"']\n    url = ../../remote\n"
                                 "[remote \"s3\"]\n    url = s3://bucket/path\n"
                                 "    region = eu-west-1\n"
                                 "[cache]\n    type = reflink,copy\n",
                                 ".dvc/config");
  CHECK(config.core.at("remote") == "local");
  REQUIRE(config.remotes.size() == 2);
  CHECK(config.remotes[0].name == "local");
  CHECK(config.remotes[0].options.at("url") == "../../remote");
  CHECK(config.remotes[1].name == "s3");
  CHECK(config.remotes[1].options.at("region") == "eu-west-1");
  CHECK(config.cache.at("type") == "reflink,copy");
  CHECK_THROWS_WITH_AS(DvcConfig::parse("[core\n", ".dvc/config"),
                       doctest::Contains(".dvc/config:1:"), Error);

  CHECK(local_url_from_root("../../remote") == "../remote");
  CHECK(local_url_from_root("../remote/") == "remote");
  CHECK(local_url_from_root("/mnt/dvc") == "/mnt/dvc");
  CHECK(local_url_from_root("file:///mnt/dvc") == "/mnt/dvc");
  CHECK_FALSE(local_url_from_root("s3://bucket/x"));
}

TEST_CASE("object paths in DVC's two cache layouts")
{
  DvcHash hash{"0232a2e80fe847a41666e4c4e5bc416f", true, HashKind::md5};
  CHECK(layout3_path("c", hash) == "c/files/md5/02/32a2e80fe847a41666e4c4e5bc416f.dir");
  CHECK(layout2_path("c", hash) == "c/02/32a2e80fe847a41666e4c4e5bc416f.dir");
}

TEST_CASE(
    "what a migration stored: DVC hash -> trove object, and dvc.lock read through it")
{
  ScratchDir dir;
  DvcHash file{"1e67990ff687eca4c8b76612bbc6296a", false, HashKind::md5};
  DvcHash tree{"8df34346d3628db44a45240e7193c398", true, HashKind::md5};
  DvcHash old_file{"1e67990ff687eca4c8b76612bbc6296a", false, HashKind::md5_dos2unix};
  {
    DvcObjectMap map;
    map.set(file, {std::string(64, 'a'), 687});
    map.set(tree, {std::string(64, 'b'), 65302});
    map.save(dir.path());
  }
  auto map = DvcObjectMap::load(dir.path());
  REQUIRE(map.find(file));
  CHECK(map.find(file)->sha256 == std::string(64, 'a'));
  CHECK(map.find(file)->size == 687u);
  CHECK(map.find(tree)->sha256 == std::string(64, 'b'));
  // The same md5 under DVC 2's rule is another hash.
  CHECK_FALSE(map.find(old_file));

  std::string lock = "schema: '2.0'\nstages:\n  prepare:\n    cmd: sh run.sh\n    outs:\n"
                     "    - path: data/prepared\n      hash: md5\n"
                     "      md5: 8df34346d3628db44a45240e7193c398.dir\n"
                     "    - path: other\n      hash: md5\n"
                     "      md5: 00000000000000000000000000000000\n";
  auto id = dvc_lock_output(lock, "dvc.lock", "prepare", "data/prepared", map);
  REQUIRE(id);
  CHECK(id->hex == std::string(64, 'b'));
  CHECK(id->is_dir);
  CHECK_FALSE(dvc_lock_output(lock, "dvc.lock", "prepare", "other", map));
  CHECK_FALSE(dvc_lock_output(lock, "dvc.lock", "train", "data/prepared", map));
}

TEST_SUITE_END();
