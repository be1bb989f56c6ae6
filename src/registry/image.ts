/**
 * Image references, as the kubelet normalizes them before looking up credentials: its rules
 * follow kubernetes/kubernetes pkg/util/parsers and github.com/distribution/reference
 * (normalize.go, regexp.go).
 */

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REFERENCE = new RegExp(
  `^((?:${DOMAIN}/)?(${PATH_COMPONENT}(?:/${PATH_COMPONENT})*))` +
    '(?::[\\w][\\w.-]{0,127})?' +
    '(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*):([0-9a-fA-F]{32,}))?$',
);
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

export type ImageLookup = { ok: true; host: string; path: string; key: string } | { ok: false; message: string };

/**
 * What the kubelet looks credentials up for: the image's repository with its registry, tag and
 * digest dropped (`parsers.ParseImageName` -> `reference.ParseNormalizedNamed(image).Name()`).
 *
 *     reference  = name [ ":" tag ] [ "@" digest ]
 *     name       = [ domain "/" ] path                            ; the path at most 255 characters
 *     path       = component *( "/" component )
 *     domain     = ( label *( "." label ) | "[" IPv6 "]" ) [ ":" 1*DIGIT ]
 *     label      = [a-zA-Z0-9] | [a-zA-Z0-9] *[a-zA-Z0-9-] [a-zA-Z0-9]
 *     component  = 1*[a-z0-9] *( ( "." | "_" | "__" | 1*"-" ) 1*[a-z0-9] )
 *     tag        = [A-Za-z0-9_] 0*127[A-Za-z0-9_.-]
 *     digest     = algorithm ":" hex                               ; sha256: 64 lower-case hex
 *
 * The first component is the registry when there is a second one and it contains '.' or ':',
 * is `localhost`, or has an upper-case letter; otherwise the registry is Docker Hub
 * (`docker.io`), where a one-component name gets `library/`. `index.docker.io` becomes
 * `docker.io`. The repository path must be lower case.
 *
 * `host` is the first component of `key`, which the kubelet matches registry keys against: the
 * registry, or, where the first component is no valid domain (`my_registry.example.com`: a
 * "_"), that component all the same, though distribution/reference reads it as part of the path.
 */
export function imageLookup(image: string): ImageLookup {
  const fail = (why: string): ImageLookup => ({ ok: false, message: `image "${image}" ${why}` });
  if (image === '') return { ok: false, message: 'the image is empty' };
  if (/^[a-f0-9]{64}$/.test(image)) return fail('is a bare image ID (64 hex digits), not a name the kubelet can pull');
  const [domain, remainder] = splitDockerDomain(image);
  const repository = remainder.split(':')[0]!;
  if (repository !== repository.toLowerCase()) return fail(`is not a valid reference: the repository name "${repository}" must be lower case`);
  const m = REFERENCE.exec(`${domain}/${remainder}`);
  if (!m) {
    return fail(/\s/.test(image)
      ? 'is not a valid reference: it contains whitespace'
      : 'is not a valid reference: expected [registry[:port]/]name[:tag][@sha256:digest] with a lower-case name');
  }
  const [, name, path, algorithm, hex] = m;
  // distribution/reference v0.6.0, which the kubelet uses, leaves the domain out of the limit.
  if (path!.length > 255) return fail('is not a valid reference: the repository path is longer than 255 characters');
  if (algorithm !== undefined) {
    const length = Object.hasOwn(DIGEST_HEX_LENGTH, algorithm) ? DIGEST_HEX_LENGTH[algorithm] : undefined;
    if (length === undefined) return fail(`has an invalid digest: the kubelet knows no algorithm "${algorithm}" (use sha256)`);
    if (hex!.length !== length || hex !== hex!.toLowerCase()) return fail(`has an invalid digest: ${algorithm} needs ${length} lower-case hex digits`);
  }
  return { ok: true, host: name!.slice(0, name!.indexOf('/')), path: path!, key: name! };
}

function splitDockerDomain(image: string): [domain: string, remainder: string] {
  const slash = image.indexOf('/');
  let [domain, remainder] = ['docker.io', image];
  if (slash >= 0) {
    const first = image.slice(0, slash);
    if (first === 'localhost' || /[.:]/.test(first) || first !== first.toLowerCase()) [domain, remainder] = [first, image.slice(slash + 1)];
    if (first === 'index.docker.io') domain = 'docker.io';
  }
  if (domain === 'docker.io' && !remainder.includes('/')) remainder = `library/${remainder}`;
  return [domain, remainder];
}

