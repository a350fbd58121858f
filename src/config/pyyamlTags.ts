import { Scalar, type ScalarTag, type Tags } from "yaml";

// Ray reads config files with PyYAML (YAML 1.1), so llmserve parses them as YAML 1.1 too: `yes`/`on` are true,
// `0755` is octal, `1:30` is 90. The `yaml` package's 1.1 schema also takes `y`/`n` as booleans, which PyYAML does
// not (a key `y:` would silently become `true`), so its two bool tags are replaced by PyYAML's.
const pyyamlTrue: ScalarTag = {
  identify: (value) => value === true,
  default: true,
  tag: "tag:yaml.org,2002:bool",
  test: /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/,
  resolve: () => new Scalar(true),
};
const pyyamlFalse: ScalarTag = {
  identify: (value) => value === false,
  default: true,
  tag: "tag:yaml.org,2002:bool",
  test: /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/,
  resolve: () => new Scalar(false),
};

/** `customTags` for the `yaml-1.1` schema that makes booleans behave as in PyYAML. */
export function pyyamlTags(tags: Tags): Tags {
  const withoutBool = tags.filter((tag) => typeof tag === "string" || tag.tag !== "tag:yaml.org,2002:bool");
  return [pyyamlTrue, pyyamlFalse, ...withoutBool];
}
