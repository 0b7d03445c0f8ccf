// Renders /openapi.json as a page: one panel per endpoint with its parameters, body and answers.
// No CDN and no framework: the gateway may run where there is no internet.
"use strict";

const element = (tag, properties = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), properties);
  node.append(...children);
  return node;
};

const schemaText = (schema) => JSON.stringify(schema, null, 2);

function parametersTable(parameters) {
  const rows = parameters.map((parameter) =>
    element(
      "tr",
      {},
      element("td", {}, element("code", { textContent: parameter.name })),
      element("td", { textContent: parameter.in }),
      element("td", { textContent: parameter.required ? "required" : "optional" }),
      element("td", {}, element("code", { textContent: describe(parameter.schema) })),
    ),
  );
  return element(
    "table",
    {},
    element("tr", {}, ...["name", "in", "", "rule"].map((title) => element("th", { textContent: title }))),
    ...rows,
  );
}

/** A one-line rule for a parameter's schema: its type and bounds. */
function describe(schema) {
  const parts = [schema.type || (schema.anyOf ? "one of several" : "any")];
  for (const key of [
    "minimum",
    "exclusiveMinimum",
    "maximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "pattern",
    "default",
  ]) {
    if (schema[key] !== undefined) parts.push(`${key} ${JSON.stringify(schema[key])}`);
  }
  return parts.join(", ");
}

function operationPanel(path, method, operation) {
  const panel = element("section", { className: "panel wide" });
  panel.append(
    element(
      "h2",
      {},
      element("span", { className: "badge", textContent: method.toUpperCase() }),
      element("code", { textContent: path }),
      operation.security ? element("span", { className: "badge", textContent: "bearer token" }) : "",
    ),
  );
  panel.append(element("p", { textContent: operation.summary }));
  if (operation.parameters)
    panel.append(element("h3", { textContent: "Parameters" }), parametersTable(operation.parameters));
  const body = operation.requestBody?.content?.["application/json"]?.schema;
  if (body)
    panel.append(element("h3", { textContent: "JSON body" }), element("pre", { textContent: schemaText(body) }));
  panel.append(element("h3", { textContent: "Answers" }));
  for (const [status, answer] of Object.entries(operation.responses)) {
    const details = element("details", {}, element("summary", { textContent: `${status} — ${answer.description}` }));
    for (const [type, content] of Object.entries(answer.content || {})) {
      details.append(element("pre", { textContent: `${type}\n${schemaText(content.schema)}` }));
      for (const [name, schema] of Object.entries(content["x-events"] || {}))
        details.append(element("pre", { textContent: `event: ${name}\ndata: ${schemaText(schema)}` }));
    }
    panel.append(details);
  }
  return panel;
}

async function render() {
  const main = document.getElementById("endpoints");
  try {
    const document_ = await (await fetch("/openapi.json")).json();
    const panels = [
      element(
        "section",
        { className: "panel wide" },
        element("h2", { textContent: `${document_.info.title} ${document_.info.version}` }),
        element("p", { textContent: document_.info.description }),
      ),
    ];
    for (const [path, operations] of Object.entries(document_.paths)) {
      for (const [method, operation] of Object.entries(operations))
        panels.push(operationPanel(path, method, operation));
    }
    main.replaceChildren(...panels);
  } catch (error) {
    main.replaceChildren(
      element("p", { className: "error", textContent: `Could not read /openapi.json: ${error.message}` }),
    );
  }
}

render();
