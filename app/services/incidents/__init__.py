"""Incidents (incidencias, issue 10): registration with the duplicate check, the device, similar resolved
incidents and the escalation levels. The lifecycle itself is processes/incidencia.bpmn."""
