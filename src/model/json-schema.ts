// The JSON Schema of lab files, derived from the one valibot description (labfile-schema.ts), for
// editors (`hvnet schema`, schemas/lab.schema.json). Covers the valibot kinds that description
// uses; another kind is a programming error, reported as such.
import {LabFileSchema} from './labfile-schema.js'

type Json = Record<string, unknown>

interface Node {
  type: string
  pipe?: Node[]
  kind?: string
  requirement?: unknown
  description?: string
  entries?: Record<string, Node>
  wrapped?: Node
  item?: Node
  items?: Node[]
  options?: (Node | boolean | number | string)[]
  literal?: unknown
  value?: Node
}

function base(node: Node): Json {
  switch (node.type) {
    case 'string': return {type: 'string'}
    case 'number': return {type: 'number'}
    case 'boolean': return {type: 'boolean'}
    case 'literal': return {const: node.literal}
    case 'picklist': return {enum: node.options}
    case 'array': return {items: convert(node.item!), type: 'array'}
    case 'record': return {additionalProperties: convert(node.value!), type: 'object'}
    case 'nullable': return {anyOf: [convert(node.wrapped!), {type: 'null'}]}
    case 'variant':
    case 'union': return {anyOf: (node.options as Node[]).map((o) => convert(o))}
    case 'object':
    case 'strict_object': {
      const properties: Json = {}
      const required: string[] = []
      for (const [key, value] of Object.entries(node.entries!)) {
        properties[key] = convert(value.type === 'optional' ? value.wrapped! : value)
        if (value.type !== 'optional') required.push(key)
      }
      return {type: 'object', properties, ...(required.length > 0 ? {required} : {}), ...(node.type === 'strict_object' ? {additionalProperties: false} : {})}
    }
    default: throw new Error(`json-schema.ts: no JSON Schema for valibot's ${node.type}`)
  }
}

function convert(node: Node): Json {
  // A pipe's first item is the schema it refines (itself a pipe when pipes nest).
  const out = node.pipe ? convert(node.pipe[0]) : base(node)
  for (const action of node.pipe?.slice(1) ?? []) {
    const isArray = out.type === 'array'
    switch (action.type) {
      case 'description': out.description = action.description; break
      case 'integer': out.type = 'integer'; break
      case 'min_value': out.minimum = action.requirement; break
      case 'max_value': out.maximum = action.requirement; break
      case 'min_length': out[isArray ? 'minItems' : 'minLength'] = action.requirement; break
      case 'max_length': out[isArray ? 'maxItems' : 'maxLength'] = action.requirement; break
      case 'regex': out.pattern = (action.requirement as RegExp).source; break
      case 'uuid': out.format = 'uuid'; break
      default: throw new Error(`json-schema.ts: no JSON Schema for valibot's ${action.type}`)
    }
  }
  return out
}

/** The JSON Schema (draft-07) of a lab file. */
export function labFileJsonSchema(): Json {
  return {
    $id: 'https://github.com/hvnet/hvnet/schemas/lab.schema.json',
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'hvnet lab file',
    ...convert(LabFileSchema as unknown as Node),
  }
}
