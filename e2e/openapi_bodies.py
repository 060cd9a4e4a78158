"""Valid request bodies for every JSON write operation of docs/openapi.yaml, with chosen text
in every free string field — the engine of the injection and control-character sweeps.

Nothing here is specific to one route: the operations, their fields, their constraints and
the ids they need come from the spec and from the running server's list endpoints, so a new
route or field is covered without writing a new test.

- `Spec` loads docs/openapi.yaml and lists the write operations (POST, PUT, PATCH with an
  `application/json` request body), their schemas resolved ($ref, allOf merged).
- `Resolver` finds ids on a running server: the demo cooperative and its territory, then,
  for a path parameter `{fooID}` or a body field `fooID`/`fooIDs`, the collection it names
  (the path segment before the parameter, or `foo`'s kebab-case plural), read through its
  GET list endpoint, or found inside the parent record's detail; records created during
  the sweep come first.
- `BodyBuilder` turns a schema into a valid body. "Free" string fields (no enum, no format,
  no pattern) get a value from a `filler(n, field, max_length, multiline)` callback with a
  distinct number n per field; everything else gets a plain valid value (enum member,
  date as the description implies, number within bounds, id from the resolver…). Each field
  has a *level*, raised when the server answers 422 naming it: free strings go from the
  filler's text to its variant without line breaks, to the schema's examples, to a plain
  word, and optional fields are finally left out; id fields walk through their candidates.
- `Driver.run(op, filler)` sends an operation as the first demo role that may write it,
  reading each 422's `errors` to raise the named fields, trying other records on 404/409,
  and reports what was sent and answered.
"""

from __future__ import annotations

import dataclasses
import datetime
import itertools
import json
import pathlib
import re
from typing import Any, Callable

import requests
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
SPEC_PATH = ROOT / "docs" / "openapi.yaml"
COOP_NAME = "Coopérative d'habitants des Caillols"
DEMO_DOMAIN = "maillage.example"
# Who may write, tried in this order until one is not refused (403).
WRITER_ROLES = ("coordination", "admin", "caisse", "societaire", "cooperant", "orientation", "financeur")
# Operations that end a record's life (or the day's till) run after all the others, so that
# the records they end are still open for the rest of the sweep.
LAST_SUFFIXES = ("/exit", "/close", "/closings", "/transitions", "/credit-note", "/received", "/reported", "/erasure")
UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
# Plain values for constrained strings that the spec leaves without an example.
PLAIN_BY_NAME = {
    "siret": "73282932000074",
    "customersiren": "732829320",
    "postalcode": "13012",
    "qpvcode": "QN01306M",
    "phone": "04 91 00 00 00",
    "contactphone": "04 91 00 00 00",
    "website": "https://example.org/",
    "remotelink": "https://example.org/visio",
    "majority": "ordinary",
    "electorate": "members",
    "card": None,  # generated per request
    "communecodes": "13055",
}

FREE, ENUM, FORMAT, PATTERN, ID, OTHER = "free", "enum", "format", "pattern", "id", "other"
ID_TRIES = 4  # candidates tried for an id field named by 422s


# --------------------------------------------------------------------------- the spec


@dataclasses.dataclass
class Operation:
    method: str
    path: str  # as in the spec, /api/v1/…
    op_id: str
    schema: dict
    description: str

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"


class Spec:
    def __init__(self, path: pathlib.Path = SPEC_PATH) -> None:
        self.doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        self.schemas = self.doc.get("components", {}).get("schemas", {})

    def resolve(self, schema: Any, depth: int = 0) -> Any:
        """$ref followed, allOf merged, recursively (descriptions kept)."""
        if depth > 40 or not isinstance(schema, (dict, list)):
            return schema
        if isinstance(schema, list):
            return [self.resolve(s, depth + 1) for s in schema]
        if "$ref" in schema:
            ref = schema["$ref"]
            target = self.doc
            for part in ref.lstrip("#/").split("/"):
                target = target[part]
            merged = dict(self.resolve(target, depth + 1))
            for key, value in schema.items():
                if key != "$ref":
                    merged[key] = self.resolve(value, depth + 1)
            return merged
        out: dict = {}
        for key, value in schema.items():
            if key == "allOf":
                continue
            if key in ("properties", "patternProperties", "$defs"):
                out[key] = {k: self.resolve(v, depth + 1) for k, v in value.items()}
            elif isinstance(value, (dict, list)) and key not in ("examples", "example", "enum", "default", "const", "required"):
                out[key] = self.resolve(value, depth + 1)
            else:
                out[key] = value
        for part in schema.get("allOf", []):
            part = self.resolve(part, depth + 1)
            for key, value in part.items():
                if key == "properties":
                    out.setdefault("properties", {}).update(value)
                elif key == "required":
                    out["required"] = list(dict.fromkeys([*out.get("required", []), *value]))
                else:
                    out.setdefault(key, value)
        return out

    def write_operations(self) -> list[Operation]:
        ops = []
        for path, item in self.doc["paths"].items():
            for method in ("post", "put", "patch"):
                op = item.get(method)
                if not op:
                    continue
                content = (op.get("requestBody") or {}).get("content", {})
                if "application/json" not in content:
                    continue
                schema = self.resolve(content["application/json"].get("schema", {}))
                ops.append(Operation(method.upper(), path, op.get("operationId", f"{method} {path}"), schema,
                                     op.get("description", "") or ""))
        first = [o for o in ops if not o.path.endswith(LAST_SUFFIXES)]
        last = [o for o in ops if o.path.endswith(LAST_SUFFIXES)]
        return first + last

    def has_get(self, template: str) -> bool:
        return "get" in self.doc["paths"].get(template, {})

    def get_templates(self) -> list[str]:
        return [p for p, item in self.doc["paths"].items() if "get" in item]

    def param_names(self) -> set[str]:
        names = set()
        for path in self.doc["paths"]:
            names.update(re.findall(r"\{(\w+)\}", path))
        return names


# --------------------------------------------------------------------------- schema helpers


def types_of(schema: dict) -> list[str]:
    t = schema.get("type")
    if isinstance(t, list):
        return [x for x in t if x != "null"]
    if t:
        return [t] if t != "null" else []
    if "properties" in schema:
        return ["object"]
    if "items" in schema:
        return ["array"]
    return []


def pick_alternative(schema: dict) -> dict:
    """For oneOf/anyOf without a type of their own: the first alternative that is not null."""
    for key in ("oneOf", "anyOf"):
        alts = schema.get(key)
        if alts and not types_of(schema):
            for alt in alts:
                if types_of(alt):
                    merged = {k: v for k, v in schema.items() if k not in ("oneOf", "anyOf")}
                    merged.update(alt)
                    return merged
    return schema


def string_kind(schema: dict) -> str:
    enum = [e for e in schema.get("enum", []) if e is not None]
    if enum or "const" in schema:
        return ENUM
    if schema.get("format") in ("uuid",):
        return ID
    if schema.get("format"):
        return FORMAT
    if schema.get("pattern"):
        return PATTERN
    return FREE


def pattern_ok(pattern: str | None, value: str) -> bool:
    if not pattern:
        return True
    try:
        return re.search(pattern, value) is not None
    except re.error:
        return True


def camel_words(name: str) -> list[str]:
    return re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", name)


def kebab_plural(stem: str) -> list[str]:
    words = [w.lower() for w in camel_words(stem)]
    if not words:
        return []
    last = words[-1]
    plurals = [last + "s", last + "es", last[:-1] + "ies" if last.endswith("y") else last + "s", last]
    return list(dict.fromkeys("-".join([*words[:-1], p]) for p in plurals))


def describes_past(description: str) -> bool:
    d = description.lower()
    return any(s in d for s in ("jamais dans le futur", "pas dans le futur", "never in the future", "not in the future",
                                "ni dans le futur", "déjà commencée", "already started", "dans le passé"))


def describes_future(description: str) -> bool:
    d = description.lower()
    return not describes_past(d) and any(s in d for s in ("dans le futur", "in the future", "à venir", "pas avant aujourd"))


# --------------------------------------------------------------------------- ids on the server


class Resolver:
    """Ids of the demo network on a running server, found through the API."""

    def __init__(self, spec: Spec, base: str, headers: dict[str, str], timeout: float = 30) -> None:
        self.spec = spec
        self.base = base.rstrip("/")
        self.headers = headers
        self.timeout = timeout
        self.created: dict[str, list[str]] = {}  # collection segment -> ids created by the sweep, newest first
        self.cache: dict[str, list[dict]] = {}
        self.resolving: set[str] = set()
        coops = self.items("/api/v1/coops")
        coop = next((c for c in coops if c.get("name") == COOP_NAME), coops[0] if coops else None)
        assert coop, "no cooperative visible to the coordination"
        self.coop = coop["id"]
        self.territory = coop.get("territoryID") or self.get(f"/api/v1/coops/{self.coop}").get("territoryID")

    def get(self, path: str) -> Any:
        try:
            r = requests.get(self.base + path, headers=self.headers, timeout=self.timeout)
        except requests.RequestException:
            return None
        if r.status_code != 200 or "json" not in r.headers.get("Content-Type", ""):
            return None
        return r.json()

    def items(self, path: str) -> list[dict]:
        if path in self.cache:
            return self.cache[path]
        body = self.get(path)
        found: list[dict] = []
        if isinstance(body, list):
            found = [x for x in body if isinstance(x, dict)]
        elif isinstance(body, dict):
            for key in ("items", "data", "results"):
                if isinstance(body.get(key), list):
                    found = [x for x in body[key] if isinstance(x, dict)]
                    break
            else:
                lists = [v for v in body.values() if isinstance(v, list) and v and isinstance(v[0], dict)]
                if len(lists) == 1:
                    found = lists[0]
        self.cache[path] = found
        return found

    def forget(self) -> None:
        self.cache.clear()

    def note_created(self, op_path: str, answer: Any) -> None:
        """Remembers the id of a record the sweep created, for the operations that follow:
        under the collection the operation posts to (`…/suppliers` → "suppliers"), and a
        pathway opened on the way under "pathways"."""
        if not isinstance(answer, dict) or op_path.endswith("}"):
            return
        segment = op_path.rstrip("/").split("/")[-1]
        main = answer.get("id") if isinstance(answer.get("id"), str) else None
        if main is None:
            for key, value in answer.items():
                if isinstance(value, str) and UUID_RE.fullmatch(value) and key.endswith("ID") and segment in kebab_plural(key[:-2]):
                    main = value
        pool = self.created.setdefault(segment, [])
        if main and UUID_RE.fullmatch(main) and main not in pool:
            pool.insert(0, main)
        pathway = answer.get("pathwayID")
        if isinstance(pathway, str) and UUID_RE.fullmatch(pathway):
            pathways = self.created.setdefault("pathways", [])
            if pathway not in pathways:
                pathways.insert(0, pathway)
        self.forget()

    @staticmethod
    def ids_of(objects: list[dict], param: str | None = None) -> list[str]:
        out = []
        for obj in objects:
            for key in (param, "id", "pathwayID", "card"):
                if key and isinstance(obj.get(key), str):
                    out.append(obj[key])
                    break
        return out

    @staticmethod
    def preferred(objects: list[dict]) -> list[dict]:
        """Open, active, current records first (they accept more operations)."""
        good = ("member", "active", "open", "sent", "draft", "quote", "planned", "convened", "in_progress", "accepted")
        bad = ("former", "closed", "locked", "refused", "cancelled", "declined", "issued", "exited", "expired", "inactive")

        def rank(obj: dict) -> int:
            values = {str(v).lower() for k, v in obj.items() if k in ("status", "state", "stage")}
            if obj.get("active") is False or obj.get("locked") is True:
                return 2
            if values & set(bad):
                return 2
            if values & set(good):
                return 0
            return 1

        return sorted(objects, key=rank)

    @staticmethod
    def diverse(objects: list[dict]) -> list[dict]:
        """The first record of each status first (an operation refused in one state, 409, may
        be allowed in another), then the others."""
        firsts, rest, seen = [], [], set()
        for obj in objects:
            status = tuple(str(obj.get(k)) for k in ("status", "state", "kind", "open", "locked"))
            (rest if status in seen else firsts).append(obj)
            seen.add(status)
        return firsts + rest

    def fill(self, template: str, bound: dict[str, str]) -> str | None:
        def sub(m: re.Match) -> str:
            return bound.get(m.group(1), m.group(0))

        path = re.sub(r"\{(\w+)\}", sub, template)
        return None if "{" in path else path

    def collect(self, body: Any, key: str, param: str) -> list[dict]:
        """Objects listed under `key` anywhere inside a detail answer."""
        found: list[dict] = []

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                for k, v in node.items():
                    if k == key and isinstance(v, list):
                        found.extend(x for x in v if isinstance(x, dict))
                    walk(v)
            elif isinstance(node, list):
                for x in node:
                    walk(x)

        walk(body)
        return found

    def segment_key(self, segment: str) -> str:
        words = segment.split("-")
        return words[0] + "".join(w.capitalize() for w in words[1:])

    def candidates_for_param(self, template: str, param: str, bound: dict[str, str], existing_first: bool = False) -> list[str]:
        """Ids for `{param}` in `template` (the parameters before it bound): the records the
        sweep created first (they are in a fresh state), or, with existing_first, the demo's
        own records first (an update then leaves the created record's markers in place)."""
        found = self._candidates_for_param(template, param, bound)
        if existing_first:
            parts = template.split("/")
            index = parts.index("{" + param + "}")
            mine = set(self.created.get(parts[index - 1] if index > 0 else "", []))
            found = [i for i in found if i not in mine] + [i for i in found if i in mine]
        return found

    def _candidates_for_param(self, template: str, param: str, bound: dict[str, str]) -> list[str]:
        if param == "coopID":
            return [self.coop]
        if param == "territoryID":
            return [self.territory] if self.territory else []
        parts = template.split("/")
        index = parts.index("{" + param + "}")
        segment = parts[index - 1] if index > 0 else ""
        out: list[str] = list(self.created.get(segment, []))
        list_template = "/".join(parts[:index])
        if self.spec.has_get(list_template):
            path = self.fill(list_template, bound)
            if path:
                out += self.ids_of(self.diverse(self.preferred(self.items(path))), param)
        else:
            # Inside the parent record: /…/{parentID}/segment/{param}
            parent_template = "/".join(parts[: index - 1])
            path = self.fill(parent_template, bound) if parent_template.endswith("}") else None
            if path:
                detail = self.get(path)
                out += self.ids_of(self.preferred(self.collect(detail, self.segment_key(segment), param)), param)
        if not out:
            out += self.ids_for_stem(param[:-2] if param.endswith("ID") else param)
        return list(dict.fromkeys(out))

    def ids_for_stem(self, stem: str) -> list[str]:
        """Ids for a body field `stemID`: the collection named by the stem, under the
        cooperative, its territory, or the API root; or, for a path parameter of the same
        name, that parameter's collection."""
        if stem in self.resolving:  # a collection found through itself: nothing more to find
            return []
        self.resolving.add(stem)
        try:
            return self._ids_for_stem(stem)
        finally:
            self.resolving.discard(stem)

    def _ids_for_stem(self, stem: str) -> list[str]:
        aliases = {"funder": "partner", "proxyHolder": "member", "toMember": "member", "toShareClass": "shareClass",
                   "offeredByCoop": "coop", "creditedInvoice": "invoice"}
        stem = aliases.get(stem, stem)
        if stem == "coop":
            return [self.coop]
        if stem == "territory":
            return [self.territory]
        out: list[str] = []
        plurals = kebab_plural(stem)
        for plural in plurals:
            out += self.created.get(plural, [])
        for plural in plurals:
            for prefix in (f"/api/v1/coops/{self.coop}", f"/api/v1/territories/{self.territory}", "/api/v1"):
                template_ok = any(re.sub(r"\{\w+\}", "X", t) == UUID_RE.sub("X", prefix) + "/" + plural
                                  for t in self.spec.get_templates())
                if template_ok:
                    out += self.ids_of(self.preferred(self.items(f"{prefix}/{plural}")), stem + "ID")
        if stem == "pathway" or "pathways" in plurals:
            for ref in self.items(f"/api/v1/coops/{self.coop}/referrals"):
                if isinstance(ref.get("pathwayID"), str):
                    out.append(ref["pathwayID"])
            summary = self.get(f"/api/v1/coops/{self.coop}/pathways/summary")
            out += self.ids_of(self.collect(summary, "items", "pathwayID"), "pathwayID")
        if not out:
            param = stem + "ID"
            for t in self.spec.get_templates():
                if t.endswith("{" + param + "}"):
                    bound = {"coopID": self.coop, "territoryID": self.territory}
                    parents = re.findall(r"\{(\w+)\}", t)
                    for p in parents[:-1]:
                        if p not in bound:
                            c = self.candidates_for_param(t, p, bound)
                            if not c:
                                break
                            bound[p] = c[0]
                    else:
                        out += self.candidates_for_param(t, param, bound)
                    if out:
                        break
        return list(dict.fromkeys(out))


# --------------------------------------------------------------------------- bodies


@dataclasses.dataclass
class Field:
    path: str  # as the server names it: person.firstName, lines[0].productID, agenda[0]
    kind: str  # FREE, ENUM, FORMAT, PATTERN, ID, OTHER
    required: bool
    schema: dict
    name: str
    container: bool = False


Filler = Callable[[int, "Field", int, bool], str]


class BodyBuilder:
    """One request body for an operation, rebuilt at each attempt from the fields' levels."""

    serials = itertools.count(0)

    def __init__(self, op: Operation, resolver: Resolver, filler: Filler | None, numbers: Callable[[], int]) -> None:
        self.serial = next(BodyBuilder.serials)  # spreads the dates of successive builders
        self.op = op
        self.resolver = resolver
        self.filler = filler
        self.numbers = numbers
        self.levels: dict[str, int] = {}
        self.multiline: set[str] = set()  # free fields whose filler text held a line break
        self.hints: dict[str, list[str]] = {}  # field path -> values a 422 message listed
        self.fields: dict[str, Field] = {}
        self.markers: dict[str, int] = {}  # field path -> n of the filler's text in the last body
        self.sequence = itertools.count(1)
        self.today = datetime.date.today()
        self.day_offset = 0

    # levels of a field: FREE 0 filler, 1 filler without line breaks, 2.. examples / plain word,
    # then omitted (optional) ; ID: candidate index, then omitted ; others: 0 value, 1 omitted.

    def omitted(self, f: Field) -> bool:
        level = self.levels.get(f.path, 0)
        if f.required:
            return False
        if f.kind == FREE:
            return level >= 2 + len(self.plain_strings(f))
        if f.kind == ID:
            # optional ids: left out first, then the first candidates, then left out again
            return level == 0 or level > ID_TRIES
        return level >= 1

    def raise_level(self, path: str, to_plain: bool = False) -> bool:
        """Raises a field's level (and the levels of what it holds) after a 422; False when
        nothing could change. With to_plain, a free string goes straight to a plain value."""
        changed = False
        matches = [p for p in self.fields if p == path or p.startswith(path + ".") or p.startswith(path + "[")]
        if not matches:
            # the server may name the field without indexes, or by its last name only
            bare = re.sub(r"\[\d+\]", "", path)
            matches = [p for p in self.fields if re.sub(r"\[\d+\]", "", p) == bare]
            if not matches:
                last = bare.split(".")[-1]
                matches = [p for p in self.fields if p.split(".")[-1].split("[")[0] == last]
        for p in matches:
            f = self.fields[p]
            limit = self.limit(f)
            if self.levels.get(p, 0) < limit:
                self.levels[p] = self.levels.get(p, 0) + 1
                if f.kind == FREE and (to_plain or p not in self.multiline):
                    # the variant without line breaks would be the same text: skip it
                    self.levels[p] = max(self.levels[p], 2)
                changed = True
        return changed

    def limit(self, f: Field) -> int:
        if f.kind == FREE:
            return 2 + len(self.plain_strings(f)) + (0 if f.required else 1)
        if f.kind == ID:
            return ID_TRIES + 1 if not f.required else ID_TRIES
        return 1 if not f.required else 0

    def add_hints(self, path: str, message: str) -> bool:
        """Values that a 422 message lists as allowed — `(BIO, LABEL_ROUGE, …)` or in
        backquotes — become plain values of the free field it names, tried next. True when
        that gave the field a new value."""
        tokens: list[str] = []
        if "(" in message and ")" in message:
            # `(BIO, LABEL_ROUGE)` or `(viandes et volailles : viandes-volailles, fromages (bof) : bof)`
            group = message[message.index("(") + 1: message.rindex(")")]
            parts = [t.strip(" .") for t in group.split(", ")]
            if any(" : " in t for t in parts):
                parts = [t.split(" : ")[-1].strip(" .") for t in parts if " : " in t]
            parts = [t for t in parts if re.fullmatch(r"[A-Za-z0-9_./:-]{1,40}", t)]
            if len(parts) >= 2:
                tokens += parts
        tokens += re.findall(r"`([^`\s]{1,40})`", message)
        bare = re.sub(r"\[\d+\]", "", path)
        changed = False
        for p, f in self.fields.items():
            if f.kind != FREE or not (p == path or re.sub(r"\[\d+\]", "", p) == bare):
                continue
            known = self.hints.setdefault(p, [])
            new = [t for t in dict.fromkeys(tokens) if t not in known]
            if not new:
                continue
            known.extend(new)
            self.levels[p] = 2 + self.plain_strings(f).index(new[0])
            changed = True
        return changed

    def plain_strings(self, f: Field) -> list[str]:
        out = list(self.hints.get(f.path, []))
        out += [e for e in f.schema.get("examples", []) if isinstance(e, str)]
        if isinstance(f.schema.get("example"), str):
            out.append(f.schema["example"])
        if isinstance(f.schema.get("default"), str):
            out.append(f.schema["default"])
        if f.name.endswith("ID") or f.name.endswith("IDs"):
            stem = f.name[:-3] if f.name.endswith("IDs") else f.name[:-2]
            out += self.resolver.ids_for_stem(stem)[:2]
        named = PLAIN_BY_NAME.get(f.name.lower())
        if named:
            out.append(named)
        if f.required or not out:
            out.append(f"Essai {self.op.op_id} {self.serial}")
        return list(dict.fromkeys(out))

    def build(self) -> dict:
        self.markers = {}
        self.day_offset = 0
        value = self.value(self.op.schema, "", "", True)
        if value is _OMIT or not isinstance(value, dict):
            value = {}
        return value

    # ------------------------------------------------------------------ values

    def register(self, path: str, kind: str, required: bool, schema: dict, name: str, container: bool = False) -> Field:
        f = self.fields.get(path)
        if f is None:
            f = Field(path, kind, required, schema, name, container)
            self.fields[path] = f
        return f

    def value(self, schema: dict, path: str, name: str, required: bool) -> Any:
        schema = pick_alternative(schema)
        types = types_of(schema)
        kind_type = types[0] if types else ("string" if "enum" in schema else "object")
        if kind_type == "object":
            return self.object_value(schema, path, name, required)
        if kind_type == "array":
            return self.array_value(schema, path, name, required)
        if kind_type == "string":
            return self.string_value(schema, path, name, required)
        f = self.register(path, OTHER, required, schema, name)
        if self.omitted(f):
            return _OMIT
        if kind_type == "boolean":
            if "default" in schema and isinstance(schema["default"], bool):
                return schema["default"]
            desc = (schema.get("description") or "").lower()
            if re.search(r"(true|vrai) par défaut|defaults to true", desc):
                return True
            return bool(required)
        if kind_type in ("integer", "number"):
            return self.number_value(schema, name, kind_type)
        return _OMIT if not required else None

    def object_value(self, schema: dict, path: str, name: str, required: bool) -> Any:
        f = self.register(path, OTHER, required, schema, name, container=True) if path else None
        if f is not None and self.omitted(f):
            return _OMIT
        props = schema.get("properties", {})
        req = set(schema.get("required", []))
        out: dict = {}
        for key, sub in props.items():
            sub_path = f"{path}.{key}" if path else key
            v = self.value(sub, sub_path, key, key in req)
            if v is not _OMIT:
                out[key] = v
        # if/then: a required property that the chosen values make necessary
        cond = schema.get("if", {})
        then = schema.get("then", {})
        if cond and then:
            matches = all(out.get(k) == c.get("const") for k, c in cond.get("properties", {}).items() if "const" in c)
            if matches:
                for key in then.get("required", []):
                    if key not in out and key in props:
                        merged = dict(props[key])
                        merged.update(then.get("properties", {}).get(key, {}))
                        v = self.value(merged, f"{path}.{key}" if path else key, key, True)
                        if v is not _OMIT:
                            out[key] = v
        return out

    def array_value(self, schema: dict, path: str, name: str, required: bool) -> Any:
        items = pick_alternative(schema.get("items", {}))
        item_types = types_of(items)
        f = self.register(path, OTHER, required, schema, name, container=True)
        # arrays of ids: the first candidates; optional ones are left out
        if item_types == ["string"] and string_kind(items) == ID:
            f.kind = ID
            if self.omitted(f):
                return _OMIT
            stem = name[:-3] if name.endswith("IDs") else name
            ids = self.resolver.ids_for_stem(stem)
            index = self.levels.get(path, 0) - (0 if required else 1)
            return ids[index : index + 1] or ids[:1]
        if self.omitted(f):
            return _OMIT
        count = max(1, int(schema.get("minItems", 1) or 1))
        out = []
        for i in range(count):
            v = self.value(items, f"{path}[{i}]", name, True)
            if v is _OMIT:
                return _OMIT if not required else []
            out.append(v)
        return out

    def number_value(self, schema: dict, name: str, kind: str) -> Any:
        if "default" in schema and isinstance(schema["default"], (int, float)) and not isinstance(schema["default"], bool):
            return schema["default"]
        enum = [e for e in schema.get("enum", []) if isinstance(e, (int, float))]
        if enum:
            return enum[0]
        low = schema.get("minimum", schema.get("exclusiveMinimum"))
        high = schema.get("maximum", schema.get("exclusiveMaximum"))
        lname = name.lower()
        if "year" in lname:
            value: float = 1990
        elif "amount" in lname:
            value = 10000  # a payment that covers a ticket, an agreement worth its instalments
        else:
            value = 1
        if low is not None and value <= low:
            value = low if "minimum" in schema else low + (1 if kind == "integer" else 1)
        if high is not None and value > high:
            value = high
        if kind == "integer":
            return int(value)
        return value

    def date_for(self, schema: dict, name: str) -> datetime.date:
        desc = (schema.get("description") or "")
        lname = name.lower()
        if describes_past(desc) or lname in ("receivedon", "issuedon", "admittedon", "week", "date") and describes_past(desc):
            return self.today - datetime.timedelta(days=7)
        if lname.endswith(("to", "until", "endson")) or "end" in lname:
            return self.today + datetime.timedelta(days=60)
        if lname in ("dueon",):
            return self.today + datetime.timedelta(days=21)
        if describes_future(desc) or lname in ("closesat", "eventdate"):
            return self.today + datetime.timedelta(days=10)
        if lname in ("issuedon", "receivedon", "admittedon"):
            return self.today - datetime.timedelta(days=7)
        return self.today

    def string_value(self, schema: dict, path: str, name: str, required: bool) -> Any:
        kind = string_kind(schema)
        if name.endswith("ID") and kind == FREE and (schema.get("description") or "").lower().find("identifiant") >= 0 and "nom" not in (schema.get("description") or "").lower():
            kind = ID
        f = self.register(path, kind, required, schema, name)
        level = self.levels.get(path, 0)
        if self.omitted(f):
            return _OMIT
        if kind == ENUM:
            enum = [e for e in schema.get("enum", []) if e is not None]
            return enum[0] if enum else schema.get("const")
        if kind == ID:
            stem = name[:-2] if name.endswith("ID") else name
            ids = self.resolver.ids_for_stem(stem)
            index = level if required else level - 1
            if not ids:
                return "00000000-0000-4000-8000-000000000000" if required else _OMIT
            return ids[min(index, len(ids) - 1)]
        if kind == FORMAT:
            fmt = schema.get("format")
            if fmt == "date":
                return self.date_for(schema, name).isoformat()
            if fmt == "date-time":
                return f"{self.date_for(schema, name).isoformat()}T14:00:00Z"
            if fmt == "email":
                return f"sweep{next(self.sequence)}.{abs(hash(self.op.path)) % 10000}@example.org"
            if fmt in ("uri", "url", "uri-reference"):
                for e in schema.get("examples", []):
                    if isinstance(e, str):
                        return e
                return "https://example.org/"
            return f"Essai {next(self.sequence)}"
        if kind == PATTERN:
            return self.patterned(schema, name, required)
        # FREE
        if level <= 1 and self.filler is not None:
            n = self.numbers()
            max_length = int(schema.get("maxLength", 10000) or 10000)
            text = self.filler(n, f, max_length, level == 0)
            self.markers[path] = n
            if "\n" in text or "\r" in text:
                self.multiline.add(path)
            return text
        plain = self.plain_strings(f)
        index = max(0, level - 2)
        if index < len(plain):
            value = plain[index]
        else:
            value = plain[-1]
        max_length = schema.get("maxLength")
        if max_length:
            value = value[: int(max_length)]
        return value

    def patterned(self, schema: dict, name: str, required: bool) -> Any:
        pattern = schema.get("pattern")
        candidates = [e for e in schema.get("examples", []) if isinstance(e, str)]
        desc = schema.get("description") or ""
        candidates += re.findall(r"`([^`]+)`", desc)
        lname = name.lower()
        if "T[0-9]{2}" in (pattern or "") or "startsat" in lname or lname in ("start", "end", "closesat", "date"):
            if lname not in ("end", "endsat"):
                self.day_offset += 1  # each start on a day of its own (no double booking); its end the same day
            day = self.today + datetime.timedelta(days=10 + self.day_offset + self.serial % 300)
            hour = "12:00" if lname == "end" else "10:00"
            candidates.insert(0, f"{day.isoformat()}T{hour}")
            candidates.insert(1, day.isoformat())
        if PLAIN_BY_NAME.get(lname):
            candidates.append(PLAIN_BY_NAME[lname])
        if lname == "card":
            candidates.insert(0, f"MLG{next(self.sequence):04d}{abs(hash(self.op.path)) % 1000:03d}"[:12])
        candidates += ["13012", "QN01306M", "04 91 00 00 00", "https://example.org/", "ordinary", "members", "2/3", "1/2", ""]
        for c in candidates:
            if pattern_ok(pattern, c) and (c or not required):
                if not c and not required:
                    return _OMIT
                return c
        return _OMIT if not required else (candidates[0] if candidates else "")


class _Omit:
    def __repr__(self) -> str:
        return "<omitted>"


_OMIT = _Omit()


# --------------------------------------------------------------------------- sending


@dataclasses.dataclass
class Attempt:
    role: str
    path: str
    body: dict
    status: int
    answer: str
    markers: dict[str, int]  # free fields that held the filler's text -> their numbers
    content_type: str = ""
    errors: dict[str, str] = dataclasses.field(default_factory=dict)  # a 422's errors
    raw: str = ""  # the whole answer


@dataclasses.dataclass
class Outcome:
    op: Operation
    attempts: list[Attempt] = dataclasses.field(default_factory=list)
    accepted: dict[str, int] = dataclasses.field(default_factory=dict)  # field path -> n, in a 2xx body
    server_errors: list[Attempt] = dataclasses.field(default_factory=list)
    free_fields: set[str] = dataclasses.field(default_factory=set)

    @property
    def succeeded(self) -> bool:
        return any(200 <= a.status < 300 for a in self.attempts)

    def last(self) -> Attempt | None:
        return self.attempts[-1] if self.attempts else None


def problem_fields(answer: requests.Response) -> dict[str, str]:
    """The `errors` of a problem document: field name -> message."""
    try:
        body = answer.json()
    except ValueError:
        return {}
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, dict):
        return {str(k): str(v) for k, v in errors.items()}
    out: dict[str, str] = {}
    if isinstance(errors, list):
        for e in errors:
            if isinstance(e, dict):
                for key in ("field", "name", "path", "pointer"):
                    if isinstance(e.get(key), str):
                        out[e[key].lstrip("/").replace("/", ".")] = str(e.get("message") or e.get("detail") or "")
                        break
    return out


class Driver:
    """Sends the write operations with bodies from BodyBuilder, as the demo role that may."""

    def __init__(self, spec: Spec, base: str, tokens: dict[str, str], max_attempts: int = 10, timeout: float = 30) -> None:
        self.spec = spec
        self.base = base.rstrip("/")
        self.tokens = tokens
        self.max_attempts = max_attempts
        self.timeout = timeout
        self.resolver = Resolver(spec, base, self.headers("coordination"), timeout)
        self.counter = itertools.count(1)
        self.session = requests.Session()
        self.content_type: str | None = "application/json"  # None: no Content-Type header at all

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}", "Accept": "application/json"}

    def next_number(self) -> int:
        return next(self.counter)

    def path_candidates(self, op: Operation) -> list[dict[str, str]]:
        """Bindings of the path parameters to try, best first (at most five)."""
        params = re.findall(r"\{(\w+)\}", op.path)
        bindings: list[dict[str, str]] = [{}]
        for param in params:
            new: list[dict[str, str]] = []
            # An update of a record itself goes to a demo record, so that the record the
            # sweep created keeps its markers too.
            existing_first = op.method in ("PATCH", "PUT") and op.path.endswith("{" + param + "}")
            for bound in bindings:
                for value in self.resolver.candidates_for_param(op.path, param, bound, existing_first)[:5]:
                    new.append({**bound, param: value})
            bindings = new[:5]
            if not bindings:
                return []
        return bindings

    def free_fields(self, op: Operation) -> set[str]:
        """The free string fields of the operation's body as first built (nothing is sent)."""
        builder = BodyBuilder(op, self.resolver, lambda n, f, m, ml: "x", lambda: 0)
        builder.build()
        return {p for p, f in builder.fields.items() if f.kind == FREE}

    def send(self, method: str, path: str, role: str, body: Any) -> requests.Response:
        headers = self.headers(role)
        if self.content_type:
            headers["Content-Type"] = self.content_type
        try:
            return self.session.request(method, self.base + path, headers=headers,
                                        data=json.dumps(body, ensure_ascii=True).encode(), timeout=self.timeout)
        except requests.RequestException as err:
            fake = requests.Response()
            fake.status_code = 599
            fake._content = f"no answer: {err!r}".encode()
            return fake

    def run(self, op: Operation, filler: Filler | None, roles: tuple[str, ...] = WRITER_ROLES,
            to_plain: bool = False) -> Outcome:
        """Sends `op` until it is accepted, refused for good, or max_attempts is reached. A 422
        raises the named fields' levels (with to_plain, a free string named by a 422 gets a
        plain value at once); 403 moves to the next role; 404/409 to other records."""
        outcome = Outcome(op)
        builder = BodyBuilder(op, self.resolver, filler, self.next_number)
        bindings = self.path_candidates(op)
        if not bindings:
            outcome.attempts.append(Attempt("-", op.path, {}, 0, "no ids for the path parameters", {}))
            return outcome
        role_index = 0
        binding_index = 0
        role_ok = False
        for _ in range(self.max_attempts):
            role = roles[role_index]
            path = self.resolver.fill(op.path, bindings[binding_index]) or op.path
            body = builder.build()
            outcome.free_fields |= {p for p, f in builder.fields.items() if f.kind == FREE}
            answer = self.send(op.method, path, role, body)
            attempt = Attempt(role, path, body, answer.status_code, answer.text[:1500], dict(builder.markers),
                              answer.headers.get("Content-Type", ""), problem_fields(answer) if answer.status_code == 422 else {},
                              answer.text)
            outcome.attempts.append(attempt)
            status = answer.status_code
            if status >= 500:
                outcome.server_errors.append(attempt)
                break
            if 200 <= status < 300:
                outcome.accepted.update(builder.markers)
                try:
                    self.resolver.note_created(op.path, answer.json())
                except ValueError:
                    pass
                break
            if status in (401, 403) and not role_ok:
                role_index += 1
                if role_index >= len(roles):
                    break
                continue
            role_ok = True
            if status == 422:
                errors = problem_fields(answer)
                changed = [builder.add_hints(f, message) or builder.raise_level(f, to_plain) for f, message in errors.items()]
                if not any(changed):
                    break
                continue
            if status in (404, 409) and binding_index + 1 < len(bindings):
                binding_index += 1
                continue
            break
        return outcome
