-- Argo CD health check for every fednode.io resource (FederationNode, Dataset, TrainingRun,
-- FederationMember). It reads the conditions all fednode resources report, kstatus style:
-- observedGeneration first, then Stalled / Failed / Succeeded / Queued / Reconciling / Ready.
local function conditionsOf(o)
  local byType = {}
  if o.status ~= nil and o.status.conditions ~= nil then
    for _, c in ipairs(o.status.conditions) do
      byType[c.type] = c
    end
  end
  return byType
end

local function describe(c)
  if c == nil then
    return ""
  end
  local text = c.reason or ""
  if c.message ~= nil and c.message ~= "" then
    text = text .. ": " .. c.message
  end
  return text
end

local hs = { status = "Progressing", message = "Waiting for the fednode operator" }
if obj.status == nil then
  return hs
end

local generation = obj.metadata.generation
local observed = obj.status.observedGeneration
if generation ~= nil and (observed == nil or observed < generation) then
  hs.message = "Waiting for the operator to observe generation " .. generation
  return hs
end

local c = conditionsOf(obj)
local function isTrue(t) return c[t] ~= nil and c[t].status == "True" end

if isTrue("Stalled") then
  return { status = "Degraded", message = describe(c["Stalled"]) }
elseif isTrue("Failed") then
  return { status = "Degraded", message = describe(c["Failed"]) }
elseif isTrue("Succeeded") then
  return { status = "Healthy", message = describe(c["Succeeded"]) }
elseif isTrue("Queued") then
  return { status = "Suspended", message = describe(c["Queued"]) }
elseif isTrue("Reconciling") then
  return { status = "Progressing", message = describe(c["Reconciling"]) }
elseif isTrue("Running") then
  return { status = "Progressing", message = describe(c["Running"]) }
elseif isTrue("Ready") then
  return { status = "Healthy", message = describe(c["Ready"]) }
elseif c["Ready"] ~= nil and c["Ready"].status == "False" then
  return { status = "Degraded", message = describe(c["Ready"]) }
end
if c["Ready"] ~= nil then
  hs.message = describe(c["Ready"])
end
return hs
